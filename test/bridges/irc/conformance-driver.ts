/**
 * The conformance kit's driver for IRC. The remote side is real: an InspIRCd with Atheme (so the
 * kit's login is a SASL account) and one plain irc-framework client, kitalice, in #kit.
 *
 * IRC lines carry no ids the bridge could give a Matrix user's message, so the module calls them
 * `mx:<event id>`; the driver therefore keys each line kitalice sees by the Matrix event whose text
 * it carries (the kit hands over what its user sent). kitalice's own lines get their remote id the
 * way the module gives it, from the server's echo of the line (echo-message): its msgid or
 * server-time.
 */
import { ghostId, lineId } from '../../../bridges/irc/ids';
import type { ConformanceDriver, MatrixSent, RemoteAction, RemoteSaid } from '../../../src/testing';
import { startInspircd, type InspircdServer } from '../../harness/inspircd';
import { NET, networkConfig } from './bridge-helpers';
import { Observer, waitUntil } from './helpers';

export const CHANNEL = '#kit';
const NICK = 'kitalice';
/** The kit user's IRC account, registered with NickServ before the run. */
const ACCOUNT = { account: 'kituser', password: 'kit-secret-42' };

/** InspIRCd + Atheme, and kitalice joined to #kit. */
export class IrcRemote {
  private constructor(
    readonly ircd: InspircdServer,
    readonly user: Observer,
  ) {}

  static async start(): Promise<IrcRemote> {
    const ircd = await startInspircd({ withServices: true });
    try {
      await ircd.services?.registerAccount(ACCOUNT.account, ACCOUNT.password);
      const user = await Observer.connect(ircd, NICK, { enable_echomessage: true });
      await user.join(CHANNEL);
      return new IrcRemote(ircd, user);
    } catch (err) {
      await ircd.stop();
      throw err;
    }
  }

  async stop(): Promise<void> {
    await this.user.close();
    await this.ircd.stop();
  }

  /** Nicks in #kit, as the server says now (NAMES), so no membership change is still in flight. */
  async names(): Promise<string[]> {
    const from = this.user.rawLines.length;
    this.user.client.raw('NAMES', CHANNEL);
    const end = await waitUntil(() => {
      const i = this.user.rawLines.slice(from).findIndex((l) => / 366 /.test(l));
      return i < 0 ? undefined : from + i;
    }, `the NAMES of ${CHANNEL}`);
    return this.user.rawLines
      .slice(from, end)
      .flatMap((l) => / 353 \S+ [=*@] \S+ :(.*)$/.exec(l)?.[1]?.split(' ') ?? [])
      .map((n) => n.replace(/^[~&@%+]+/, ''));
  }

  /** kitalice says `text` in #kit once one of the bridge's connections listens there. */
  async say(text: string): Promise<RemoteSaid> {
    // After a restart the bridge's bot and puppet come back a moment later; a line said before
    // they rejoin reaches nobody, as on any IRC network.
    await waitUntilAsync(async () => (await this.names()).some((n) => n !== NICK), 'the bridge in #kit');
    const from = this.user.rawLines.length;
    this.user.client.say(CHANNEL, text);
    const echo = await waitUntil(
      () =>
        this.user.rawLines
          .slice(from)
          .find((l) => l.includes(` :${NICK}!`) && l.endsWith(` PRIVMSG ${CHANNEL} :${text}`)),
      `the server's echo of "${text}"`,
    );
    return { id: echoedLineId(echo, text), sender: ghostId(NET, NICK) };
  }

  /** The lines others said in #kit, as `RemoteAction`s keyed by the kit's Matrix events. */
  received(sent: readonly MatrixSent[]): RemoteAction[] {
    return this.user.seen
      .filter((e) => e.type === 'privmsg' && e.target === CHANNEL && e.nick !== NICK)
      .map((e) => toAction(e.text, sent));
  }
}

/** The remote id the module gives kitalice's line, from the server's echo of it (its tags). */
function echoedLineId(echo: string, text: string): string {
  const tag = (name: string) => new RegExp(`^@(?:\\S*;)?${name}=([^;\\s]+)`).exec(echo)?.[1];
  const [msgid, time] = [tag('msgid'), tag('time')];
  if (!msgid && !time)
    throw new Error(`the IRC server tagged the line with neither msgid nor server-time: ${echo}`);
  const tagged = msgid ? { msgid } : { time: Date.parse(time ?? '') };
  return lineId({ ...tagged, nick: NICK, target: CHANNEL, text });
}

/**
 * A line as the module writes it: a message's text (its id `mx:<event id>`), or an edit as a
 * `* ` correction line. A line no Matrix event explains is kept with a placeholder id, so a
 * failure shows what IRC really got.
 */
function toAction(text: string, sent: readonly MatrixSent[]): RemoteAction {
  const message = sent.find((s) => s.kind === 'message' && s.body === text);
  if (message) return { kind: 'message', id: `mx:${message.eventId}`, text };
  const edit = sent.find(
    (s): s is Extract<MatrixSent, { kind: 'edit' }> => s.kind === 'edit' && `* ${s.body}` === text,
  );
  if (edit) return { kind: 'edit', targetId: `mx:${edit.targetEventId}`, text: edit.body };
  return { kind: 'message', id: '(no Matrix event of the kit has this text)', text };
}

async function waitUntilAsync(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !(await check());) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * No per-user login is needed on IRC, but the module offers one: the kit logs in with SASL, so the
 * restart check also proves the stored account comes back. The chat is #kit, through its alias.
 */
export function ircDriver(remote: () => IrcRemote): ConformanceDriver {
  return {
    // A getter: the server's port is known only once it runs (the kit reads this in its beforeAll).
    get config() {
      return { networks: { [NET]: networkConfig(remote().ircd, { channels: [CHANNEL] }) } };
    },
    loginFlow: 'sasl',
    loginInputs: ACCOUNT,
    openChat: { alias: `${NET}_${CHANNEL.slice(1)}` },
    remoteSays: (_chat, text) => remote().say(text),
    remoteReceived: (_chat, sent) => remote().received(sent),
  };
}
