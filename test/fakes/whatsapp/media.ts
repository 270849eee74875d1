/**
 * Media as whatsapp-web.js types and describes it: which message type a file becomes (the send
 * options win over the mimetype), and the `_data` fields a media message carries.
 */
import type { WAMedia, WAMessageType, WASendOptions } from '../../../bridges/whatsapp/driver';

export function mediaType(media: WAMedia, options: WASendOptions = {}): WAMessageType {
  if (options.sendMediaAsSticker) return 'sticker';
  if (options.sendMediaAsDocument) return 'document';
  const kind = media.mimetype.split('/')[0];
  if (kind === 'image') return 'image';
  if (kind === 'video') return 'video';
  if (kind === 'audio') return options.sendAudioAsVoice ? 'ptt' : 'audio';
  return 'document';
}

/** The raw fields (`msg._data`) the library exposes for a message's media. */
export function mediaData(media: WAMedia): { mimetype: string; filename?: string; size: number } {
  return {
    mimetype: media.mimetype,
    ...(media.filename ? { filename: media.filename } : {}),
    size: Buffer.from(media.data, 'base64').length,
  };
}
