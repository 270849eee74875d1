/**
 * The example "network": an in-process fake whose scripted contacts answer what the user sends.
 * A real module wraps its network library here. To keep the tutorial short, this network
 * already speaks the SDK's vocabulary; `to-matrix.ts` adds what every module has to add.
 */
import { randomUUID } from 'node:crypto';
import { BridgeError, type RemoteEvent, type RemotePart } from '../../src/sdk';
import type { ExampleContext } from './config';
import { contactOf } from './ids';
import { pixel } from './to-matrix';

/** An event as the network delivers it (text has `**bold**` markup); `to-matrix.ts` addresses it. */
export type NetEvent<E = RemoteEvent> = E extends unknown ? Omit<E, 'chat' | 'sender'> : never;
const text = (said: string): RemotePart[] => [{ kind: 'text', text: said }];
const picture: RemotePart = { kind: 'media', mediaKind: 'image', load: pixel, ref: 'px' };

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

  /** The script: read it, echo it as a reply, then act on the word (README.md). */
  private async answer(chat: string, to: string, said: string): Promise<void> {
    const [from = '', echo] = [contactOf(chat) ?? this.ctx.config.contacts[0], randomUUID()];
    const script: Record<string, NetEvent> = {
      react: { type: 'reaction', targetId: to, key: '👍' },
      edit: { type: 'edit', targetId: echo, parts: text(`edited: ${said}`) },
      delete: { type: 'redaction', targetId: echo },
      image: { type: 'message', id: `${echo}.png`, parts: [picture] },
    };
    const reply: NetEvent = { type: 'message', id: echo, parts: text(`**echo:** ${said}`), replyTo: to };
    for (const event of [{ type: 'read', upToId: to } as const, reply, script[said]])
      if (event) await this.onEvent(chat, from, event);
  }
}

/** The test hook: every login's client by login id; tests act as contacts through `onEvent`. */
export const exampleNetwork = { clients: new Map<string, FakeClient>() };
