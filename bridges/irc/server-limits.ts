/**
 * What the connected server allows, from its ISUPPORT tokens (LINELEN, NICKLEN, CHANTYPES, PREFIX…),
 * with RFC 1459-era defaults until it has said. Every nick and channel SafeClient puts in a line is
 * checked against them, and every line once more just before the socket.
 */
import type { Client } from 'irc-framework';
import { DEFAULT_LINE_LENGTH, hasLineBreakOrNul, isValidChannel, isValidNick, lineBudget } from './irc-text';
import { IrcInputError } from './safe-client-types';

export class ServerLimits {
  constructor(
    private readonly client: () => Client | undefined,
    /** When the server announces no LINELEN. */
    private readonly configuredLineLength: number | undefined,
  ) {}

  /** Bytes per line, CRLF included. */
  get lineLength(): number {
    return Number(this.supports('LINELEN')) || this.configuredLineLength || DEFAULT_LINE_LENGTH;
  }

  /** Channel prefix mode letters (ISUPPORT PREFIX); RFC 1459's `ov` before. */
  get prefixModes(): string {
    const prefix = this.supports('PREFIX');
    if (!Array.isArray(prefix)) return 'ov';
    return prefix.map((p: { mode?: unknown }) => (typeof p.mode === 'string' ? p.mode : '')).join('');
  }

  checkNick(nick: string): void {
    const maxLength = Number(this.supports('NICKLEN')) || 30;
    if (!isValidNick(nick, { maxLength }))
      throw new IrcInputError('nick', `${JSON.stringify(nick)} is not a valid nick`);
  }

  checkChannel(channel: string): void {
    const maxLength = Number(this.supports('CHANNELLEN')) || 50;
    if (!isValidChannel(channel, { chantypes: this.chantypes(), maxLength })) {
      throw new IrcInputError('channel', `${JSON.stringify(channel)} is not a valid channel name`);
    }
  }

  /** A PRIVMSG or NOTICE target: a channel if it starts with a channel prefix, else a nick. */
  checkTarget(target: string): void {
    if (target !== '' && this.chantypes().includes(target[0] as string)) this.checkChannel(target);
    else this.checkNick(target);
  }

  /** Bytes of text one PRIVMSG/NOTICE line to `target` can carry. */
  textBudget(target: string): number {
    return lineBudget(target, { lineLength: this.lineLength, hostmaskLength: this.worstHostmaskLength() });
  }

  /** Last line of defence: whatever reaches the socket is one protocol line within the server's limit. */
  checkWritable(line: string): void {
    if (hasLineBreakOrNul(line) || Buffer.byteLength(line) > this.lineLength - 2) {
      throw new Error(`refusing to write an unsafe IRC line (${Buffer.byteLength(line)} bytes)`);
    }
  }

  private chantypes(): string {
    const types = this.supports('CHANTYPES');
    return Array.isArray(types) ? types.join('') : typeof types === 'string' ? types : '#&';
  }

  /**
   * `nick!~user@host` at the longest the server allows: the host others see may be cloaked, and the
   * nick may change while lines wait in the queue.
   */
  private worstHostmaskLength(): number {
    const nickLen = Math.max(
      Number(this.supports('NICKLEN')) || 30,
      Buffer.byteLength(this.client()?.user.nick ?? ''),
    );
    const userLen = Number(this.supports('USERLEN')) || 10;
    const hostLen = Number(this.supports('HOSTLEN')) || 64;
    return nickLen + 1 + 1 + userLen + 1 + hostLen;
  }

  private supports(token: string): unknown {
    return this.client()?.network.supports(token);
  }
}
