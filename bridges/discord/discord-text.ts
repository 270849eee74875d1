/**
 * Text rules for what we put into Discord (pure functions): markdown escaping, mention
 * neutralising, webhook usernames and the 2000-character split.
 */

/** Discord's hard limit on message content. */
export const MAX_CONTENT = 2000;

const ZWSP = '\u200b';
const URL_RE = /https?:\/\/[^\s<>]+[^\s<>.,:;"')\]!?*_~|]/g;

/**
 * Breaks every mention form Discord parses out of raw content: `@everyone`, `@here`, `<@id>`,
 * `<@!id>`, `<@&role>`, `<#channel>`, `</command:id>`, `<:emoji:id>`, `<t:…>`. A zero-width space
 * keeps the text readable but no longer matches Discord's mention grammar. `allowed_mentions`
 * already stops pings; this also stops the pill from rendering as if someone had been mentioned.
 */
export function neutraliseMentions(text: string): string {
  return text.replace(/@(everyone|here)/gi, `@${ZWSP}$1`).replace(/<(?=[@#/:]|a:|t:)/g, `<${ZWSP}`);
}

/** Backslash-escapes what Discord markdown would otherwise format; URLs are left intact. */
export function escapeMarkdown(text: string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    out += escapePlain(text.slice(last, m.index));
    out += m[0];
    last = m.index + m[0].length;
  }
  return out + escapePlain(text.slice(last));
}

function escapePlain(text: string): string {
  return (
    text
      .replace(/[\\*_~`|[\]]/g, '\\$&')
      // Block syntax only counts at the start of a line: quotes, headings, subtext, lists.
      .replace(/^(\s*)([>#-]|\d+\.)/gm, '$1\\$2')
  );
}

/**
 * A Matrix display name Discord accepts as a webhook `username`: 1–80 characters, without
 * "discord" or "clyde" (broken with a zero-width space) and not exactly "everyone"/"here".
 */
export function webhookUsername(name: string, fallback = 'Matrix user'): string {
  let clean = name
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/```/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  clean = clean.replace(/(d)(iscord)/gi, `$1${ZWSP}$2`).replace(/(c)(lyde)/gi, `$1${ZWSP}$2`);
  if (/^(everyone|here)$/i.test(clean)) clean = `${clean} (Matrix)`;
  if (!clean.replace(/\u200b/g, '')) clean = fallback;
  return truncate(clean, 80);
}

/** Cuts to at most `max` UTF-16 units without splitting a surrogate pair. */
export function truncate(text: string, max: number, ellipsis = ''): string {
  if (text.length <= max) return text;
  let cut = max - ellipsis.length;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return text.slice(0, cut) + ellipsis;
}

/**
 * Splits content into Discord-sized messages, preferring line then word boundaries. A code
 * block cut in two is closed at the end of one message and reopened (same language) in the next.
 */
export function splitContent(content: string, limit = MAX_CONTENT): string[] {
  const chunks: string[] = [];
  let rest = content;
  let reopen = '';
  while (rest.length > 0) {
    rest = reopen + rest;
    if (rest.length <= limit) {
      chunks.push(rest);
      break;
    }
    const room = limit - 4; // space for a closing "\n```"
    let cut = rest.lastIndexOf('\n', room);
    if (cut < room / 2) cut = rest.lastIndexOf(' ', room);
    if (cut < room / 2) cut = room;
    let chunk = rest.slice(0, cut);
    const fences = [...chunk.matchAll(/```([\w+\-.#]*)/g)];
    reopen = '';
    if (fences.length % 2 === 1) {
      chunk += '\n```';
      reopen = '```' + (fences.at(-1)?.[1] ?? '') + '\n';
    }
    chunks.push(chunk);
    rest = rest.slice(cut).replace(/^[\n ]/, '');
  }
  return chunks;
}
