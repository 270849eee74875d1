/**
 * Discord → Matrix media: attachments, stickers and avatars are downloaded only from Discord's
 * CDN hosts (or the configured test CDN), with a size cap and a timeout, so a message cannot make
 * the bridge fetch arbitrary URLs.
 */
import { MessageFlags, StickerFormatType, type Attachment, type Message, type Sticker } from 'discord.js';
import { BridgeError, type JsonValue, type RemoteMedia, type RemotePart } from '../../src/sdk';

/** Beyond this an attachment is linked instead of copied (the core has its own cap too). */
export const MAX_COPY_BYTES = 100 * 1024 * 1024;
const TIMEOUT_MS = 60_000;

/** What `loadMedia` needs to fetch a file again after a restart. */
export interface MediaRef {
  readonly url: string;
  readonly mimetype: string;
  readonly filename: string;
}

export function isMediaRef(v: JsonValue): v is MediaRef & { [k: string]: JsonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof v.url === 'string';
}

/** Fetches a file from an allowed host, refusing anything larger than `maxBytes`. */
export async function fetchMedia(
  ref: MediaRef,
  hosts: ReadonlySet<string>,
  maxBytes = MAX_COPY_BYTES,
): Promise<RemoteMedia> {
  const url = new URL(ref.url);
  if (!['https:', 'http:'].includes(url.protocol) || !hosts.has(url.host)) {
    throw new BridgeError('permission_denied', `refusing to fetch media from ${url.host}`);
  }
  const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'error' });
  if (!res.ok || !res.body) throw new BridgeError('not_found', `Discord media answered ${res.status}`);
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > maxBytes) throw new BridgeError('too_large', `the file is over ${maxBytes} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = res.body.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    size += r.value.length;
    if (size > maxBytes) {
      await reader.cancel();
      throw new BridgeError('too_large', `the file is over ${maxBytes} bytes`);
    }
    chunks.push(Buffer.from(r.value));
  }
  return { data: Buffer.concat(chunks), mimetype: ref.mimetype, filename: ref.filename };
}

type MediaKind = 'image' | 'video' | 'audio' | 'file';

function kindOf(mimetype: string): MediaKind {
  const top = mimetype.split('/')[0];
  return top === 'image' || top === 'video' || top === 'audio' ? top : 'file';
}

/** One attachment as a Matrix media part; too large to copy → a text part with the link. */
export function attachmentPart(a: Attachment, message: Message, hosts: ReadonlySet<string>): RemotePart {
  const mimetype = a.contentType?.split(';')[0] ?? 'application/octet-stream';
  if (a.size > MAX_COPY_BYTES) {
    return { kind: 'text', text: `📎 ${a.name} (${Math.round(a.size / 1048576)} MiB): ${a.url}` };
  }
  const ref: MediaRef = { url: a.url, mimetype, filename: a.name };
  return {
    kind: 'media',
    mediaKind: kindOf(mimetype),
    load: () => fetchMedia(ref, hosts),
    ref: { ...ref },
    mimetype,
    filename: a.name,
    size: a.size,
    ...(a.width ? { width: a.width } : {}),
    ...(a.height ? { height: a.height } : {}),
    ...(a.duration ? { durationMs: Math.round(a.duration * 1000) } : {}),
    ...(message.flags.has(MessageFlags.IsVoiceMessage) ? { voice: true } : {}),
    ...(a.description ? { caption: a.description } : {}),
  };
}

/** A sticker as a Matrix sticker; Lottie stickers (vector animations) cannot be shown, so text. */
export function stickerPart(s: Sticker, hosts: ReadonlySet<string>): RemotePart {
  if (s.format === StickerFormatType.Lottie)
    return { kind: 'text', msgtype: 'notice', text: `[sticker: ${s.name}]` };
  const mimetype = s.format === StickerFormatType.GIF ? 'image/gif' : 'image/png';
  const ref: MediaRef = {
    url: s.url,
    mimetype,
    filename: `${s.name}.${mimetype === 'image/gif' ? 'gif' : 'png'}`,
  };
  return {
    kind: 'media',
    mediaKind: 'sticker',
    load: () => fetchMedia(ref, hosts, 5 * 1024 * 1024),
    ref: { ...ref },
    mimetype,
    filename: ref.filename,
    caption: s.name,
  };
}
