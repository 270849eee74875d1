#!/usr/bin/env bash
# Makes Debian's Chromium available for the WhatsApp tests and benchmark, and prints its path.
# whatsapp-web.js drives it through puppeteer; puppeteer's own browser download is disabled
# (.puppeteerrc.cjs). Installs the package when missing (CI runs as root).
set -euo pipefail
log() { echo "ensure-chromium: $*" >&2; }
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -ne 0 ]; then
    log "chromium is missing; run as root or: apt-get install chromium"
    exit 1
  fi
  log "installing chromium from Debian"
  bash "$(dirname "$0")/apt-install.sh" chromium
fi
echo /usr/bin/chromium
