import { pillUserIds, sanitizeHtml, stripReplyFallback } from '../matrix/formatting';
import type { MatrixMedia } from '../matrix/media';
import type { MediaProxy } from '../matrix/media-proxy';
import type { NetworkRuntime } from '../modules/runtime';
import type { BridgedMessageRef } from '../sdk/ids';
import type { MatrixMention, MatrixMessage, MatrixMsgType, MatrixSender } from '../sdk/matrix-message';
import type { GhostRow } from '../store/ghost-repo';

const MSGTYPES: Record<string, MatrixMsgType> = {
  'm.text': 'text',
  'm.notice': 'notice',
  'm.emote': 'emote',
  'm.image': 'image',
  'm.video': 'video',
  'm.audio': 'audio',
  'm.file': 'file',
  'm.location': 'location',
};

export interface BuildDeps {
  readonly media: MatrixMedia;
  readonly proxy?: MediaProxy;
  readonly maxFileBytes: number;
  readonly ghostByUserId: (userId: string) => Promise<GhostRow | null>;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * Turns `m.room.message` content into the module-facing `MatrixMessage`: reply fallback
 * stripped, HTML sanitised, mentions resolved to this network's remote users only.
 * Returns null for content that is not a message we understand.
 */
export async function buildMatrixMessage(
  net: NetworkRuntime,
  ev: { event_id: string; room_id: string; origin_server_ts?: unknown },
  content: Record<string, unknown>,
  sender: MatrixSender,
  refs: { replyTo?: BridgedMessageRef; threadRoot?: BridgedMessageRef },
  d: BuildDeps,
): Promise<MatrixMessage | null> {
  const msgtype = MSGTYPES[str(content.msgtype) ?? ''];
  const rawBody = str(content.body);
  if (!msgtype || rawBody === undefined) return null;
  const rawHtml = content.format === 'org.matrix.custom.html' ? str(content.formatted_body) : undefined;
  const { body, html } = stripReplyFallback(rawBody, rawHtml);
  const mentionsField = content['m.mentions'] as { user_ids?: unknown; room?: unknown } | undefined;
  const mentioned = new Set<string>([
    ...(Array.isArray(mentionsField?.user_ids)
      ? mentionsField.user_ids.filter((u): u is string => typeof u === 'string')
      : []),
    ...(html ? pillUserIds(html) : []),
  ]);
  const mentions: MatrixMention[] = [];
  for (const userId of mentioned) {
    const remote = net.ns.remoteUserIdOf(userId);
    if (remote === null) continue;
    const ghost = await d.ghostByUserId(userId);
    mentions.push({ remoteUserId: remote, displayName: ghost?.displayname ?? remote });
  }
  const url = str(content.url);
  const info = (content.info ?? {}) as Record<string, unknown>;
  const filename = str(content.filename) ?? rawBody;
  const media =
    url && ['image', 'video', 'audio', 'file'].includes(msgtype)
      ? {
          mxc: url,
          mimetype: str(info.mimetype) ?? 'application/octet-stream',
          filename,
          ...(typeof info.size === 'number' ? { size: info.size } : {}),
          download: () =>
            d.media.download(
              url,
              Math.min(d.maxFileBytes, net.module.manifest.capabilities.maxFileSize ?? Infinity),
            ),
          ...(d.proxy?.url(url) ? { publicUrl: d.proxy.url(url) as string } : {}),
        }
      : undefined;
  const geo = /^geo:(-?[\d.]+),(-?[\d.]+)/.exec(str(content.geo_uri) ?? '');
  // With media, `body` is a caption only when `filename` says what the file is called.
  const caption = media ? (str(content.filename) && rawBody !== content.filename ? body : '') : body;
  return {
    eventId: ev.event_id,
    roomId: ev.room_id,
    sender,
    msgtype,
    body: caption,
    ...(html !== undefined ? { html: sanitizeHtml(html) } : {}),
    mentions,
    mentionsRoom: mentionsField?.room === true,
    ...(refs.replyTo ? { replyTo: refs.replyTo } : {}),
    ...(refs.threadRoot ? { threadRoot: refs.threadRoot } : {}),
    ...(media ? { media } : {}),
    ...(geo ? { location: { latitude: Number(geo[1]), longitude: Number(geo[2]) } } : {}),
    permalink: `https://matrix.to/#/${encodeURIComponent(ev.room_id)}/${encodeURIComponent(ev.event_id)}`,
    timestamp: typeof ev.origin_server_ts === 'number' ? ev.origin_server_ts : Date.now(),
  };
}
