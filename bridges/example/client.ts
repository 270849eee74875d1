/**
 * The example "network": an in-process fake whose scripted contacts answer what the user sends.
 * A real module wraps its network library here. To keep the tutorial short, this network
 * already speaks the SDK's vocabulary; `to-matrix.ts` adds what every module has to add.
 */
import { randomUUID } from 'node:crypto';
import { BridgeError } from '../../src/sdk';
import type { RemoteEvent, RemoteMessageEvent, RemotePart } from '../../src/sdk';
import type { ExampleContext } from './config';
import { contactOf, displayName } from './ids';
import { pixel, userInfo } from './to-matrix';

/** An event as the network delivers it (text has `**bold**` markup); `to-matrix.ts` addresses it. */
export type NetEvent<E = RemoteEvent> = E extends unknown ? Omit<E, 'chat' | 'sender'> : never;
type More = Partial<RemoteMessageEvent>;
const text = (said: string): RemotePart => ({ kind: 'text', text: said });

/** One login's connection to the network. `seen` lists what it got, e.g. `react dm:alice <id> 👍`. */
export class FakeClient {
  readonly seen: string[] = [];
  /** The username while connected. */
  self?: string;
  /** Receives what `from` did in `chat`. */
  onEvent = async (_chat: string, _from: string, _event: NetEvent): Promise<void> => undefined;
  constructor(private readonly ctx: ExampleContext) {}

  /** Sends the user's `said` to `chat` as message `id`; a contact answers after the reply delay. */
  send(chat: string, said: string, id = randomUUID()): string {
    if (!this.self) throw new BridgeError('not_logged_in', 'not connected to Example');
    this.seen.push(`send ${chat} ${id} ${said}`);
    const answer = () => this.answer(chat, id, said.trim()).catch((e: unknown) => this.ctx.log.error(`${e}`));
    setTimeout(answer, this.ctx.config.reply_delay_ms);
    return id;
  }

  /** `from` posts `parts` in `chat`; returns the new message's id. */
  async say(chat: string, from: string, parts: RemotePart[], more?: More, id = randomUUID()) {
    await this.onEvent(chat, from, { type: 'message', id, parts, ...more });
    return id;
  }

  /** The script: read, echo as a reply, then act on the text (see README.md). */
  private async answer(chat: string, to: string, said: string): Promise<void> {
    const [from = '', self = ''] = [contactOf(chat) ?? this.ctx.config.contacts[0], this.self];
    const emit = (event: NetEvent) => this.onEvent(chat, from, event);
    const say = (part: RemotePart, more?: More) => this.say(chat, from, [part], more);
    await emit({ type: 'read', upToId: to });
    if (said === 'typing') await emit({ type: 'typing', typing: true });
    const echo = await say(text(`echo: ${said}`), { replyTo: to });
    const script: Record<string, () => Promise<unknown>> = {
      react: () => emit({ type: 'reaction', targetId: to, key: '👍' }),
      unreact: () => emit({ type: 'reaction_remove', targetId: to, key: '👍' }),
      edit: () => emit({ type: 'edit', targetId: echo, parts: [text(`edited: ${said}`)] }),
      delete: () => emit({ type: 'redaction', targetId: echo }),
      typing: () => emit({ type: 'typing', typing: false }),
      image: () => say({ kind: 'media', mediaKind: 'image', load: pixel, ref: 'px', caption: 'a pixel' }),
      html: () => say(text('**Careful:** <script>alert(1)</script> & <b>bold?</b>')),
      mention: () => say({ kind: 'text', text: `hey @${self}`, mentions: [{ id: self }] }),
      wave: () => say({ kind: 'text', msgtype: 'emote', text: 'waves' }, { threadRoot: to }),
      location: () => say({ kind: 'location', latitude: 52.52, longitude: 13.405 }),
      history: () => say(text('an old message'), { backfill: true, timestamp: Date.now() - 3_600_000 }),
      topic: () => emit({ type: 'chat_info', info: { topic: `${from} was here` } }),
      leave: () => emit({ type: 'member', member: { id: from }, membership: 'leave' }),
      join: () => emit({ type: 'member', member: { id: from }, membership: 'join' }),
      rename: async () => {
        const old = (await userInfo(this.ctx, from)).displayName;
        const name = old === displayName(from) ? `${from} (renamed)` : displayName(from);
        await this.ctx.kv.set(`name:${from}`, Buffer.from(name));
        await emit({ type: 'user_info', user: { id: from }, info: { displayName: name } });
      },
    };
    await script[said]?.();
  }
}

const clients = new Map<string, FakeClient>();
/** The test hook: the client of every login by login id, and a contact speaking unprompted. */
export const exampleNetwork = {
  clients,
  contactSays: (loginId: string, from: string, said: string, chat = `dm:${from}`) =>
    clients.get(loginId)?.say(chat, from, [text(said)]),
};
