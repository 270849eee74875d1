// whatsapp-web.js depends on puppeteer, whose install step downloads a Chrome build.
// This machine (and most servers) cannot reach that download; we launch Debian's
// Chromium through `executablePath` instead (see bridges/whatsapp/config.ts).
/** @type {import('puppeteer').Configuration} */
module.exports = { skipDownload: true };
