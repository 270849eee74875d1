/**
 * Matrix message → Discord message content (pure apart from the media download): markdown from
 * the HTML or the escaped body, the relay prefix where the bot speaks for someone, the reply
 * quote for webhooks (which cannot reply), the mention allow-list, and files within the limit.
 */
import type { MessageMentionOptions } from 'discord.js';
import type { MatrixMessage } from '../../src/sdk';
import { escapeMarkdown, neutraliseMentions, truncate } from './discord-text';
import { htmlToDiscord, plainToDiscord, type MentionTarget } from './html-to-markdown';
import { SNOWFLAKE } from './ids';

/** Discord's upload limit for bots without boosted servers. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

/** Discord user ids this message may ping: exactly those the core resolved from `m.mentions`/pills. */
export function mentionedIds(msg: MatrixMessage): string[] {
  return [...new Set(msg.mentions.map((m) => m.remoteUserId).filter((id) => SNOWFLAKE.test(id)))];
}

/**
 * `allowed_mentions`: nothing parsed from the text (no @everyone, @here or roles, ever), only the
 * users the Matrix message really mentioned. `repliedUser` only matters for the bot's replies.
 */
export function allowedMentions(msg: MatrixMessage, repliedUser?: boolean): MessageMentionOptions {
  const users = mentionedIds(msg);
  return {
    parse: [],
    ...(users.length > 0 ? { users } : {}),
    ...(repliedUser !== undefined ? { repliedUser } : {}),
  };
}

/** The message text as Discord markdown, without any name prefix. */
export function messageMarkdown(msg: MatrixMessage, discordIdOf: MentionTarget['discordIdOf']): string {
  if (msg.location) {
    const { latitude: lat, longitude: lon } = msg.location;
    return `📍 https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=16/${lat}/${lon}`;
  }
  const target: MentionTarget = { discordIdOf, mentioned: new Set(mentionedIds(msg)) };
  return msg.html ? htmlToDiscord(msg.html, target) : plainToDiscord(msg.body);
}

/** A display name as Discord text: escaped and unable to mention anyone. */
export const safeName = (name: string): string =>
  neutraliseMentions(escapeMarkdown(name.replace(/\s+/g, ' ')));

/** Content for a webhook message (the name and avatar are the webhook's per-message author). */
export function webhookContent(msg: MatrixMessage, markdown: string): string {
  return msg.msgtype === 'emote' && markdown ? `*${markdown}*` : markdown;
}

/** Content the bot sends on someone's behalf: `**Name**: text`, or `* **Name** waves`. */
export function relayContent(msg: MatrixMessage, markdown: string): string {
  const name = `**${safeName(msg.sender.displayName)}**`;
  if (msg.msgtype === 'emote') return `* ${name} ${markdown}`;
  if (!markdown) return name;
  return markdown.includes('\n') ? `${name}:\n${markdown}` : `${name}: ${markdown}`;
}

/**
 * Webhooks cannot reply, so a reply is shown as a quote line above the text. The replied author
 * is a mention only if the Matrix message mentions them (Matrix clients add the replied user).
 */
export function replyQuote(
  replied: { authorId: string; authorName: string; isWebhook: boolean; content: string; link: string },
  mentioned: ReadonlySet<string>,
): string {
  const who =
    !replied.isWebhook && mentioned.has(replied.authorId)
      ? `<@${replied.authorId}>`
      : `**${safeName(replied.authorName)}**`;
  const line = replied.content.replace(/\s+/g, ' ').trim();
  const snippet = neutraliseMentions(truncate(line, 100, '…')) || `[message](${replied.link})`;
  return `> ↪ ${who}: ${snippet}\n`;
}

/** A file to upload, or the link to show instead when it is too large (or cannot be downloaded). */
export async function mediaUpload(
  msg: MatrixMessage,
): Promise<{ file?: { attachment: Buffer; name: string }; link?: string }> {
  const media = msg.media;
  if (!media) return {};
  const link = () => `📎 ${escapeMarkdown(media.filename)}: ${media.publicUrl ?? msg.permalink}`;
  if (media.size !== undefined && media.size > MAX_UPLOAD_BYTES) return { link: link() };
  try {
    const data = await media.download();
    if (data.length > MAX_UPLOAD_BYTES) return { link: link() };
    return { file: { attachment: data, name: media.filename.replace(/[/\\]/g, '_') || 'file' } };
  } catch {
    // Over the core's cap, or gone from the homeserver: the link still lets people fetch it.
    return { link: link() };
  }
}
