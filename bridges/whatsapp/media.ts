/**
 * Files both ways, with the safety rules of DESIGN §8: WhatsApp media is fetched only through
 * the library's own `downloadMedia()` (it decrypts from WhatsApp's CDN itself), never by a URL
 * we were handed; Matrix media arrives as bytes from the core; both sides have a size cap.
 * Profile pictures are the one URL we fetch: only over HTTPS from WhatsApp's picture host,
 * with no redirects, a size cap and a time limit.
 */
import { BridgeError, type MatrixMessage, type RemoteMedia, type RemotePart } from '../../src/sdk';
import type { WAMedia, WAMessage, WASendOptions } from './driver';

const KIND = {
  image: 'image',
  video: 'video',
  audio: 'audio',
  ptt: 'audio',
  document: 'file',
  sticker: 'sticker',
} as const satisfies Record<string, Extract<RemotePart, { kind: 'media' }>['mediaKind']>;

export const isMediaType = (type: string): type is keyof typeof KIND => type in KIND;

const EXT: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'video/mp4': 'mp4',
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'application/pdf': 'pdf',
};

/** A file name for media that came without one (`image.jpg`, `voice.ogg`). */
function nameFor(type: string, mimetype: string): string {
  const base = type === 'ptt' ? 'voice' : type === 'document' ? 'file' : type;
  const ext = EXT[mimetype.split(';')[0]?.trim() ?? ''];
  return ext ? `${base}.${ext}` : base;
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

/** Base64 length → decoded bytes, to refuse an oversized file before decoding it. */
const decodedSize = (b64: string) => Math.floor((b64.length * 3) / 4);

/** Downloads a message's media through the library, within `maxBytes`. */
export async function downloadMedia(msg: WAMessage, maxBytes: number): Promise<RemoteMedia> {
  if ((msg._data.size ?? 0) > maxBytes)
    throw new BridgeError(
      'too_large',
      `the file is ${mb(msg._data.size ?? 0)}, over the bridge's ${mb(maxBytes)} limit`,
    );
  const media = await msg.downloadMedia();
  if (!media) throw new BridgeError('not_found', 'WhatsApp no longer has this file');
  if (decodedSize(media.data) > maxBytes)
    throw new BridgeError('too_large', `the file is over the bridge's ${mb(maxBytes)} limit`);
  const data = Buffer.from(media.data, 'base64');
  const filename = media.filename || msg._data.filename || nameFor(msg.type, media.mimetype);
  return { data, mimetype: media.mimetype, filename };
}

/**
 * The Matrix part for a media message. `load` works while this process lives; `ref` lets the
 * connector download it again after a restart (queued events outlive closures).
 */
export function mediaPart(msg: WAMessage, loginId: string, maxBytes: number): RemotePart {
  const type = msg.type as keyof typeof KIND;
  const size = msg._data.size;
  if (size !== undefined && size > maxBytes) {
    const what = type === 'ptt' ? 'voice message' : KIND[type];
    return {
      kind: 'text',
      msgtype: 'notice',
      text: `📎 A ${what} of ${mb(size)} was not bridged (over the ${mb(maxBytes)} limit); open WhatsApp to see it.${msg.body ? `\n${msg.body}` : ''}`,
    };
  }
  const mimetype = msg._data.mimetype;
  return {
    kind: 'media',
    mediaKind: KIND[type],
    load: () => downloadMedia(msg, maxBytes),
    ref: { login: loginId, message: msg.id._serialized },
    ...(mimetype ? { mimetype } : {}),
    filename: msg._data.filename ?? nameFor(type, mimetype ?? ''),
    // Documents carry their file name as body when there is no caption.
    ...(msg.body && msg.body !== msg._data.filename ? { caption: msg.body } : {}),
    ...(size !== undefined ? { size } : {}),
    ...(type === 'ptt' ? { voice: true } : {}),
  };
}

/** A Matrix file as the driver sends it, and how WhatsApp should show it. */
export async function toWhatsAppMedia(
  msg: MatrixMessage,
  maxBytes: number,
): Promise<{ media: WAMedia; options: WASendOptions }> {
  const file = msg.media;
  if (!file) throw new BridgeError('unsupported_content', 'the message has no file');
  if ((file.size ?? 0) > maxBytes)
    throw new BridgeError('too_large', `WhatsApp files are limited to ${mb(maxBytes)} by this bridge`);
  const data = await file.download();
  if (data.length > maxBytes)
    throw new BridgeError('too_large', `WhatsApp files are limited to ${mb(maxBytes)} by this bridge`);
  const mimetype = file.mimetype || 'application/octet-stream';
  const media: WAMedia = {
    mimetype,
    data: data.toString('base64'),
    filename: file.filename,
    filesize: data.length,
  };
  // WhatsApp shows only JPEG/PNG/WebP/GIF images and MP4 video inline; anything else goes as a document.
  const inline =
    (msg.msgtype === 'image' && /^image\/(jpeg|png|webp|gif)$/.test(mimetype)) ||
    (msg.msgtype === 'video' && mimetype === 'video/mp4') ||
    msg.msgtype === 'audio';
  return { media, options: inline ? {} : { sendMediaAsDocument: true } };
}

export type FetchLike = (url: string, init: { signal: AbortSignal; redirect: 'error' }) => Promise<Response>;

const AVATAR_MAX = 5 * 1024 * 1024;

/** WhatsApp serves profile pictures from pps.whatsapp.net; nothing else is fetched. */
export function isProfilePictureUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return (
      u.protocol === 'https:' && (u.hostname === 'pps.whatsapp.net' || u.hostname.endsWith('.whatsapp.net'))
    );
  } catch {
    return false;
  }
}

/** Downloads a profile picture from WhatsApp's picture host, capped in size and time. */
export async function fetchProfilePicture(url: string, fetchImpl: FetchLike = fetch): Promise<RemoteMedia> {
  if (!isProfilePictureUrl(url)) throw new BridgeError('permission_denied', 'not a WhatsApp picture URL');
  const res = await fetchImpl(url, { signal: AbortSignal.timeout(15_000), redirect: 'error' });
  if (!res.ok || !res.body) throw new BridgeError('not_found', `profile picture: HTTP ${res.status}`);
  const mimetype = res.headers.get('content-type')?.split(';')[0]?.trim() ?? '';
  if (!mimetype.startsWith('image/'))
    throw new BridgeError('unsupported_content', 'profile picture is not an image');
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = res.body.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    size += r.value.length;
    if (size > AVATAR_MAX) {
      await reader.cancel();
      throw new BridgeError('too_large', 'profile picture too large');
    }
    chunks.push(Buffer.from(r.value));
  }
  return { data: Buffer.concat(chunks), mimetype, filename: `avatar.${EXT[mimetype] ?? 'jpg'}` };
}

/** A profile picture URL → the key the core compares to skip re-uploads (the URL's signature rotates). */
export const avatarKeyOf = (url: string): string => {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
};

/** The avatar fields of a user or chat for a profile picture URL WhatsApp gave (none for anything else). */
export function profilePicture(
  url: string | undefined,
  fetchImpl: FetchLike,
): { avatarKey?: string; fetchAvatar?: () => Promise<RemoteMedia> } {
  if (!url || !isProfilePictureUrl(url)) return {};
  return { avatarKey: avatarKeyOf(url), fetchAvatar: () => fetchProfilePicture(url, fetchImpl) };
}
