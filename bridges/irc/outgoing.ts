/**
 * How a Matrix message reads on IRC: formatting as control codes, pills as nicks, a reply as a
 * `nick: ` prefix, an edit as a `* ` correction line, media and locations as links, and a message
 * that would need more than `maxLines` protocol lines as its first line plus a link to it.
 */
import type { MatrixMessage } from '../../src/sdk';
import { htmlToIrc, type PillResolver } from './html-to-irc';
import { splitMessage, truncateUtf8 } from './irc-text';

export type LineKind = 'say' | 'action' | 'notice';

export interface Outgoing {
  readonly kind: LineKind;
  readonly text: string;
  /** True when the text was too long and was replaced by a link. */
  readonly linked: boolean;
}

export interface RenderOptions {
  readonly resolvePill: PillResolver;
  /** The IRC nick of the replied-to message's author, when known. */
  readonly replyNick?: string | undefined;
  /** A correction of an earlier message. */
  readonly edit?: boolean;
  /** Bytes of text per protocol line to the target (SafeClient.textBudget). */
  readonly budget: number;
  readonly maxLines: number;
}

/** CTCP ACTION wraps the text in `\x01ACTION …\x01`, which costs nine bytes of each line. */
const ACTION_OVERHEAD = 9;

export function renderOutgoing(msg: MatrixMessage, o: RenderOptions): Outgoing {
  const kind: LineKind = msg.msgtype === 'emote' ? 'action' : msg.msgtype === 'notice' ? 'notice' : 'say';
  let text = msg.html !== undefined ? htmlToIrc(msg.html, o.resolvePill) : msg.body;
  if (msg.media) {
    const link = msg.media.publicUrl ?? msg.media.filename;
    text = text.trim() ? `${text} ${link}` : link;
  } else if (msg.location) {
    const { latitude: lat, longitude: lon } = msg.location;
    text = `${text.trim() || 'Location'}: https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=16/${lat}/${lon}`;
  }
  const prefix = `${o.edit ? '* ' : ''}${o.replyNick ? `${o.replyNick}: ` : ''}`;
  text = prefix + text;
  const budget = o.budget - (kind === 'action' ? ACTION_OVERHEAD : 0);
  const lines = splitMessage(text, budget);
  if (lines.length <= o.maxLines) return { kind, text: lines.join('\n'), linked: false };
  const suffix = ` … (full message: ${msg.permalink})`;
  const first = truncateUtf8(lines[0] ?? '', Math.max(0, budget - Buffer.byteLength(suffix))).trimEnd();
  return { kind, text: `${first}${suffix}`, linked: true };
}
