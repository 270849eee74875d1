import { BridgeError } from '../../src/sdk';
import { memoryKv } from './memory-kv';
import type {
  BridgedMessageRef,
  BridgeState,
  JsonObject,
  JsonValue,
  LoginRecord,
  Logger,
  ModuleContext,
  PortalInfo,
  RemoteChatRef,
  RemoteEvent,
} from '../../src/sdk';

/** The remote event of one `type`. */
export type EventOf<T extends RemoteEvent['type']> = Extract<RemoteEvent, { type: T }>;

/** One line the module logged. */
export interface LoggedLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly meta?: Record<string, unknown>;
}

/**
 * A {@link ModuleContext} for unit tests of a bridge module, without a core or a database:
 * it records what the module emits, reports and logs, keeps the key-value store, logins,
 * portals and message mappings in memory, and lets a test wait for an emitted event.
 */
export interface FakeModuleContext<C> extends ModuleContext<C> {
  /** Every emitted remote event, in order. */
  readonly events: RemoteEvent[];
  /** Every reported bridge state, in order. */
  readonly states: { readonly loginId: string | null; readonly state: BridgeState }[];
  readonly logs: LoggedLine[];
  /** Notices sent with `notifyUser`. */
  readonly notices: { readonly userId: string; readonly text: string }[];
  /** The key-value store's contents (values as stored; `encrypt` is recorded in `encrypted`). */
  readonly kvData: Map<string, Buffer>;
  readonly encrypted: Set<string>;
  /** Stored logins by id; `updateLogin` patches them. */
  readonly logins: Map<string, LoginRecord>;
  /** Bridged portals; `portalMembers` answers from `members` (room id → Matrix users). */
  readonly portals: PortalInfo[];
  readonly members: Map<string, string[]>;
  /** Bridged messages, for `findMessage`: add with {@link addMessage}. */
  readonly messages: { readonly chat: RemoteChatRef; readonly ref: BridgedMessageRef }[];
  /** Matrix media for `downloadMedia`, by `mxc://` URI; `uploadMedia` adds to it. */
  readonly media: Map<string, Buffer>;
  /** `uploadMedia` keys and the `mxc://` URIs they got. */
  readonly uploads: Map<string, string>;
  addMessage(chat: RemoteChatRef, ref: BridgedMessageRef): void;
  /** The last reported state of a login (null for the shared session). */
  stateOf(loginId: string | null): BridgeState | undefined;
  /**
   * Resolves with the first event of `type`, emitted from index `from` on, that `match`es;
   * rejects after `timeoutMs` (default 2 s). Pass `from: ctx.events.length` to wait only for
   * events still to come.
   */
  waitFor<T extends RemoteEvent['type']>(
    type: T,
    match?: (event: EventOf<T>) => boolean,
    opts?: { from?: number; timeoutMs?: number },
  ): Promise<EventOf<T>>;
  /** Makes `emit` reject (as when the core cannot store the event) while set. */
  failEmits: Error | null;
}

export interface FakeContextOptions {
  readonly network?: string;
  readonly serverName?: string;
  readonly logins?: readonly LoginRecord[];
}

const sameChat = (a: RemoteChatRef, b: RemoteChatRef) =>
  a.id === b.id && (a.receiver ?? '') === (b.receiver ?? '');

/**
 * Builds a fake context around `config`.
 *
 * @example
 * const ctx = fakeModuleContext({ contacts: ['alice'], reply_delay_ms: 0 });
 * const connector = exampleModule.create(ctx);
 * const echo = await ctx.waitFor((e) => e.type === 'message');
 */
export function fakeModuleContext<C>(config: C, opts: FakeContextOptions = {}): FakeModuleContext<C> {
  const network = opts.network ?? 'example';
  const serverName = opts.serverName ?? 'example.test';
  const waiters = new Set<() => void>();
  const logs: LoggedLine[] = [];
  const logger = (bound: Record<string, unknown>): Logger => {
    const line = (level: LoggedLine['level']) => (message: string, meta?: Record<string, unknown>) => {
      logs.push({ level, message, meta: { ...bound, ...meta } });
    };
    return {
      debug: line('debug'),
      info: line('info'),
      warn: line('warn'),
      error: line('error'),
      child: (meta) => logger({ ...bound, ...meta }),
    };
  };
  const ghostPrefix = `@${network}_`;
  const ghostSuffix = `:${serverName}`;
  const [kvData, encrypted] = [new Map<string, Buffer>(), new Set<string>()];

  const ctx: FakeModuleContext<C> = {
    network,
    config,
    serverName,
    botUserId: `@switchboardbot:${serverName}`,
    log: logger({}),
    events: [],
    states: [],
    logs,
    notices: [],
    kvData,
    encrypted,
    logins: new Map((opts.logins ?? []).map((l) => [l.id, l])),
    portals: [],
    members: new Map(),
    messages: [],
    media: new Map(),
    uploads: new Map(),
    failEmits: null,

    async emit(event) {
      if (ctx.failEmits) throw ctx.failEmits;
      JSON.stringify(event); // the core stores events as JSON: this throws where the core would
      ctx.events.push(event);
      for (const wake of [...waiters]) wake();
    },
    setBridgeState(loginId, state) {
      ctx.states.push({ loginId, state });
    },
    kv: memoryKv(kvData, encrypted),
    getLogin: async (loginId) => ctx.logins.get(loginId) ?? null,
    listLogins: async (userId) => [...ctx.logins.values()].filter((l) => !userId || l.userId === userId),
    async updateLogin(loginId, patch: { credentials?: JsonValue; metadata?: JsonObject }) {
      const login = ctx.logins.get(loginId);
      if (!login) return;
      ctx.logins.set(loginId, {
        ...login,
        ...(patch.credentials !== undefined ? { credentials: patch.credentials } : {}),
        ...(patch.metadata ? { metadata: patch.metadata } : {}),
      });
    },
    getPortal: async (chat) => ctx.portals.find((p) => sameChat(p.chat, chat)) ?? null,
    listPortals: async () => [...ctx.portals],
    portalMembers: async (portal) => ctx.members.get(portal.roomId) ?? [],
    findMessage: async (chat, remoteId) =>
      ctx.messages.find((m) => sameChat(m.chat, chat) && m.ref.remoteId === remoteId)?.ref ?? null,
    ghostUserId: (remoteUserId) => `${ghostPrefix}${remoteUserId}${ghostSuffix}`,
    remoteUserIdOf: (userId) =>
      userId.startsWith(ghostPrefix) && userId.endsWith(ghostSuffix)
        ? userId.slice(ghostPrefix.length, -ghostSuffix.length)
        : null,
    async downloadMedia(mxc, maxBytes) {
      const data = ctx.media.get(mxc);
      if (!data) throw new BridgeError('not_found', `no media ${mxc}`);
      if (data.length > maxBytes)
        throw new BridgeError('too_large', `${data.length} bytes is over ${maxBytes}`);
      return data;
    },
    async uploadMedia(key, load) {
      const known = ctx.uploads.get(key);
      if (known) return known;
      const file = await load();
      const mxc = `mxc://fake.test/${ctx.uploads.size + 1}`;
      ctx.media.set(mxc, file.data);
      ctx.uploads.set(key, mxc);
      return mxc;
    },
    async notifyUser(userId, text) {
      ctx.notices.push({ userId, text });
    },

    addMessage(chat, ref) {
      ctx.messages.push({ chat, ref });
    },
    stateOf(loginId) {
      return ctx.states.filter((s) => s.loginId === loginId).at(-1)?.state;
    },
    waitFor<T extends RemoteEvent['type']>(
      type: T,
      match?: (event: EventOf<T>) => boolean,
      o: { from?: number; timeoutMs?: number } = {},
    ) {
      const timeoutMs = o.timeoutMs ?? 2000;
      const wanted = (e: RemoteEvent): e is EventOf<T> =>
        e.type === type && (!match || match(e as EventOf<T>));
      return new Promise<EventOf<T>>((resolve, reject) => {
        const check = () => {
          const found = ctx.events.slice(o.from ?? 0).find(wanted);
          if (found) {
            done();
            resolve(found);
          }
          return !!found;
        };
        const timer = setTimeout(() => {
          done();
          const got = ctx.events.slice(o.from ?? 0).map((e) => e.type);
          reject(new Error(`no matching ${type} event within ${timeoutMs} ms; got: ${got.join(', ')}`));
        }, timeoutMs);
        const wake = () => void check();
        const done = () => {
          clearTimeout(timer);
          waiters.delete(wake);
        };
        if (!check()) waiters.add(wake);
      });
    },
  };
  return ctx;
}
