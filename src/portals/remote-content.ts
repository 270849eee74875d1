import { sanitizeHtml } from '../matrix/formatting';
import type { MatrixMedia } from '../matrix/media';
import { BridgeError } from '../sdk/errors';
import type { JsonValue } from '../sdk/ids';
import type { RemoteMedia, RemotePart } from '../sdk/remote-events';

export type Content = Record<string, unknown>;

const MEDIA_MSGTYPE = { image: 'm.image', video: 'm.video', audio: 'm.audio', file: 'm.file' } as const;

/** Turns one remote part into Matrix event content (type and body), uploading media as the ghost. */
export async function partToContent(
  part: RemotePart,
  opts: {
    media: MatrixMedia;
    asUser: string;
    mentionUserIds: readonly string[];
    loadByRef?: (ref: JsonValue) => Promise<RemoteMedia>;
    maxBytes: number;
  },
): Promise<{ type: string; content: Content }> {
  if (part.kind === 'text') {
    const content: Content = { msgtype: `m.${part.msgtype ?? 'text'}`, body: part.text };
    if (part.html !== undefined) {
      content.format = 'org.matrix.custom.html';
      content.formatted_body = sanitizeHtml(part.html);
    }
    content['m.mentions'] = { user_ids: [...opts.mentionUserIds] };
    return { type: 'm.room.message', content };
  }
  if (part.kind === 'location') {
    const geo = `geo:${part.latitude},${part.longitude}`;
    const body = part.description ? `${part.description} (${geo})` : `Location: ${geo}`;
    return { type: 'm.room.message', content: { msgtype: 'm.location', body, geo_uri: geo } };
  }
  let media: RemoteMedia;
  if (part.load) media = await part.load();
  else if (part.ref !== undefined && opts.loadByRef) media = await opts.loadByRef(part.ref);
  else throw new BridgeError('not_found', 'the file could not be loaded again after a restart');
  if (media.data.length > opts.maxBytes) {
    throw new BridgeError('too_large', `a ${media.data.length}-byte file is over the bridge's limit`);
  }
  const filename = media.filename ?? part.filename ?? 'file';
  const url = await opts.media.upload(media.data, media.mimetype, filename, opts.asUser);
  const info: Content = { mimetype: media.mimetype, size: media.data.length };
  if (part.width) info.w = part.width;
  if (part.height) info.h = part.height;
  if (part.durationMs) info.duration = part.durationMs;
  if (part.mediaKind === 'sticker') {
    return { type: 'm.sticker', content: { body: part.caption ?? filename, url, info } };
  }
  const content: Content = {
    msgtype: MEDIA_MSGTYPE[part.mediaKind],
    // Spec v1.10 captions: `body` is the caption when `filename` differs from it.
    body: part.caption ?? filename,
    filename,
    url,
    info,
  };
  if (part.voice) {
    content['org.matrix.msc3245.voice'] = {};
  }
  return { type: 'm.room.message', content };
}
