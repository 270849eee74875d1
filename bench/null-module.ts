/**
 * The null network of the core-overhead bench: a `BridgeModule` whose one shared session
 * accepts every message at once (recording when the core handed it over), and whose context
 * `emit` the bench drives to push remote messages into the bridge.
 */
import type { ModuleContext } from '../src/sdk/context';
import type { BridgeModule } from '../src/sdk/module';
import type { RemoteSession } from '../src/sdk/session';
import { remoteText } from './null-homeserver';
import { nowMs, TimeLog } from './stats';

export const NETWORK = 'bench';
export const chatId = (j: number) => `chat${j}`;
export const remoteUser = (k: number) => `ru${k}`;

/** What the bench reads back from the module. */
export class NullNetwork {
  ctx: ModuleContext<unknown> | null = null;
  /** Per phase: when `sendMessage` saw Matrix event `$<phase>.<i>`. */
  readonly delivered = new Map<string, TimeLog>();
  sent = 0;
  private waiter: { target: number; resolve: () => void } | null = null;
  private remoteCounter = 0;

  readonly session: RemoteSession = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    sendMessage: async (_portal, msg) => {
      const t = nowMs();
      const dot = msg.eventId.lastIndexOf('.');
      const phase = msg.eventId.slice(1, dot);
      let log = this.delivered.get(phase);
      if (!log) this.delivered.set(phase, (log = new TimeLog()));
      log.set(Number(msg.eventId.slice(dot + 1)), t);
      this.sent++;
      if (this.waiter && this.sent >= this.waiter.target) {
        this.waiter.resolve();
        this.waiter = null;
      }
      return { remoteId: `out${++this.remoteCounter}` };
    },
  };

  /** Resolves once `sendMessage` has been called `target` times in total. */
  waitSent(target: number): Promise<void> {
    if (this.sent >= target) return Promise.resolve();
    return new Promise((resolve) => (this.waiter = { target, resolve }));
  }

  /** Emits remote message `i` of `phase` into chat `j` from remote user `k`. */
  emit(phase: string, i: number, j: number, k: number): Promise<void> {
    return (this.ctx as ModuleContext<unknown>).emit({
      type: 'message',
      id: `${phase}-${i}`,
      chat: { id: chatId(j) },
      sender: { id: remoteUser(k) },
      parts: [{ kind: 'text', text: remoteText(phase, i) }],
    });
  }

  module(): BridgeModule<never> {
    const module: BridgeModule<unknown> = {
      manifest: {
        id: NETWORK,
        displayName: 'Bench',
        sdkVersion: '^1.0.0',
        capabilities: {
          formatting: 'plain',
          media: [],
          edits: false,
          reactions: false,
          redactions: false,
          replies: false,
        },
      },
      configSchema: { type: 'object' },
      create: (ctx) => {
        this.ctx = ctx;
        return {
          start: async () => undefined,
          stop: async () => undefined,
          sessionFor: async () => this.session,
        };
      },
    };
    return module as BridgeModule<never>;
  }
}
