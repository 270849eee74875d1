/**
 * Which nick a Matrix user's puppet asks for: the one they chose with the `nick` command (kept in the
 * module's store for every later connection), else the one it had before a restart, else the
 * network's nick_template.
 */
import { BridgeError, type MatrixActor } from '../../src/sdk';
import type { IrcContext } from './config';
import type { IrcConn } from './connection';
import { fold } from './ids';
import { isValidNick, sanitizeNick } from './irc-text';

const NICK_KEY = (net: string, userId: string) => `nick/${net}/${userId}`;
/** How long a nick change waits for the server's verdict before the user is told it is pending. */
const ANSWER_MS = 5000;

export class NickChoice {
  constructor(
    private readonly ctx: IrcContext,
    private readonly network: string,
    /** The network as users know it. */
    private readonly name: string,
    private readonly template: string,
  ) {}

  /** The nick a new connection of the user asks for; `recent` is the one it had before a restart. */
  async initial(user: MatrixActor, recent?: string): Promise<string> {
    const chosen = (await this.ctx.kv.get(NICK_KEY(this.network, user.userId)))?.toString();
    if (chosen) return chosen;
    if (recent && isValidNick(recent, { maxLength: 30 })) return recent;
    const localpart = /^@([^:]+)/.exec(user.userId)?.[1] ?? 'matrix';
    const wanted = this.template
      .replaceAll('{localpart}', localpart)
      .replaceAll('{displayname}', user.displayName);
    return sanitizeNick(wanted, { maxLength: 30, fallback: 'matrix_user' });
  }

  /** The user chose `nick`: changed now on `conn` if it is connected, kept for later connections. */
  async change(user: MatrixActor, nick: string, conn: IrcConn | undefined): Promise<string> {
    if (!isValidNick(nick, { maxLength: 30 }))
      throw new BridgeError('invalid_input', `${nick} is not a valid IRC nick`);
    const keep = () => this.ctx.kv.set(NICK_KEY(this.network, user.userId), Buffer.from(nick));
    if (!conn?.client.isRegistered) {
      await keep();
      return `Your nick on ${this.name} will be ${nick} when you next connect.`;
    }
    // Kept for later connections only if the server did not refuse it.
    const outcome = new Promise<{ text: string; keep: boolean }>((resolve) => {
      const done = (text: string, ok: boolean) => {
        clearTimeout(timer);
        conn.client.off('nick', onNick).off('ircError', onError);
        resolve({ text, keep: ok });
      };
      const onNick = (e: { newNick: string }) =>
        fold(e.newNick) === fold(nick) && done(`You are now ${e.newNick} on ${this.name}.`, true);
      const onError = (e: { error: string; reason?: string }) =>
        /nick/.test(e.error) && done(`${this.name} refused ${nick}: ${e.reason ?? e.error}`, false);
      const timer = setTimeout(
        () => done(`Asked ${this.name} for the nick ${nick}; no answer yet.`, true),
        ANSWER_MS,
      );
      conn.client.on('nick', onNick).on('ircError', onError);
    });
    await conn.client.changeNick(nick);
    const result = await outcome;
    if (result.keep) await keep();
    return result.text;
  }
}
