import type { NetworkRuntime } from '../modules/runtime';
import type { RemoteDescriber } from '../portals/describer';
import type { BridgeState, Logger } from '../sdk/context';
import { BridgeError } from '../sdk/errors';
import type { PortalInfo, RemoteChatRef, RemoteUserRef } from '../sdk/ids';
import type { CompletedLogin } from '../sdk/login';
import type { RemoteChatInfo, RemoteUserInfo } from '../sdk/remote-events';
import type { MatrixActor, RemoteSession } from '../sdk/session';
import type { LoginWithState } from '../store/login-repo';
import type { Store } from '../store/store';

const ERROR_STATES = new Set(['bad_credentials', 'logged_out', 'unknown_error']);

/**
 * Owns the live sessions: restores stored logins at start, adds new ones when a login flow
 * completes, picks the session a Matrix user speaks through, and keeps bridge state.
 */
export class LoginManager implements RemoteDescriber {
  private readonly sessions = new Map<string, RemoteSession>();
  /** The network of each live session, to find one that can describe that network's users. */
  private readonly networkOf = new Map<string, string>();
  private readonly lastState = new Map<string, string>();
  /** State updates of one login are applied in the order the module reported them. */
  private readonly stateChains = new Map<string, Promise<void>>();
  /** How many states each login has reported, to tell whether a module spoke during `connect`. */
  private readonly stateCounts = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly networks: ReadonlyMap<string, NetworkRuntime>,
    private readonly notify: (userId: string, text: string) => Promise<void>,
    private readonly log: Logger,
  ) {}

  /** Connects every stored login; a login that fails to connect gets an error state, not a crash. */
  async startAll(): Promise<void> {
    for (const net of this.networks.values()) {
      if (!net.connector.loadLogin) continue;
      for (const login of await this.store.logins.list({ network: net.id })) {
        void this.activate(net, login);
      }
    }
  }

  async complete(net: NetworkRuntime, user: MatrixActor, done: CompletedLogin): Promise<LoginWithState> {
    const login = await this.store.logins.upsert({
      network: net.id,
      userId: user.userId,
      remoteId: done.remoteId,
      remoteName: done.remoteName,
      credentials: done.credentials,
      metadata: done.metadata ?? {},
    });
    const old = this.sessions.get(login.id);
    if (old) await old.disconnect().catch(() => undefined);
    await this.activate(net, login);
    return login;
  }

  private async activate(net: NetworkRuntime, login: LoginWithState): Promise<void> {
    if (!net.connector.loadLogin) return;
    try {
      const session = net.connector.loadLogin(login);
      this.sessions.set(login.id, session);
      this.networkOf.set(login.id, net.id);
      void this.setState(login.id, { state: 'connecting' });
      const reported = this.stateCounts.get(login.id);
      await session.connect();
      if (this.stateCounts.get(login.id) === reported) void this.setState(login.id, { state: 'connected' });
    } catch (err) {
      this.log.error('login failed to connect', { network: net.id, loginId: login.id, error: String(err) });
      const message = err instanceof BridgeError ? err.message : 'could not connect (see the bridge log)';
      await this.setState(login.id, {
        state:
          err instanceof BridgeError && err.code === 'bad_credentials' ? 'bad_credentials' : 'unknown_error',
        message,
      });
    }
  }

  session(loginId: string): RemoteSession | undefined {
    return this.sessions.get(loginId);
  }

  async describeUser(
    network: string,
    user: RemoteUserRef,
    receiver?: string,
  ): Promise<RemoteUserInfo | undefined> {
    const session = this.describer(network, receiver, (s) => !!s.getUserInfo);
    return this.ask(network, 'user', () => session?.getUserInfo?.(user));
  }

  async describeChat(network: string, chat: RemoteChatRef): Promise<RemoteChatInfo | undefined> {
    const session = this.describer(network, chat.receiver, (s) => !!s.getChatInfo);
    return this.ask(network, 'chat', () => session?.getChatInfo?.(chat));
  }

  /** The receiver login's session when it is live, else any live session of the network that can answer. */
  private describer(network: string, receiver: string | undefined, can: (s: RemoteSession) => boolean) {
    const own = receiver ? this.sessions.get(receiver) : undefined;
    if (own && can(own)) return own;
    for (const [id, s] of this.sessions) if (this.networkOf.get(id) === network && can(s)) return s;
    return undefined;
  }

  /** A failed lookup costs the portal or ghost its name, never the event that needed it. */
  private async ask<T>(
    network: string,
    what: string,
    lookup: () => Promise<T> | undefined,
  ): Promise<T | undefined> {
    try {
      return await lookup();
    } catch (err) {
      this.log.warn(`${what} info lookup failed`, { network, error: String(err) });
      return undefined;
    }
  }

  /** The session `user` speaks through in `portal` (or for a new chat when portal is null). */
  async sessionFor(
    net: NetworkRuntime,
    user: MatrixActor,
    portal: PortalInfo | null,
  ): Promise<RemoteSession> {
    const receiver = portal?.chat.receiver;
    if (receiver) {
      const login = await this.store.logins.owner(receiver);
      const own = login?.userId === user.userId ? this.sessions.get(receiver) : undefined;
      if (own) return own;
      const relay = await net.connector.sessionFor?.(user, portal);
      if (relay) return relay;
      throw new BridgeError(
        'permission_denied',
        `this ${net.displayName} chat belongs to another user's login`,
      );
    }
    const shared = await net.connector.sessionFor?.(user, portal);
    if (shared) return shared;
    for (const login of await this.store.logins.list({ network: net.id, userId: user.userId })) {
      const s = this.sessions.get(login.id);
      if (s) return s;
    }
    throw new BridgeError(
      'not_logged_in',
      `you are not logged in to ${net.displayName}; send \`login ${net.id}\` to the bridge bot`,
    );
  }

  async logout(loginId: string): Promise<void> {
    const session = this.sessions.get(loginId);
    this.sessions.delete(loginId);
    this.networkOf.delete(loginId);
    if (session) {
      await session
        .logout?.()
        .catch((err: unknown) => this.log.warn('remote logout failed', { loginId, error: String(err) }));
      await session.disconnect().catch(() => undefined);
    }
    await this.store.logins.delete(loginId);
  }

  setState(loginId: string, state: BridgeState): Promise<void> {
    this.stateCounts.set(loginId, (this.stateCounts.get(loginId) ?? 0) + 1);
    const next = (this.stateChains.get(loginId) ?? Promise.resolve())
      .then(() => this.applyState(loginId, state))
      .catch((err: unknown) => this.log.warn('bridge state not saved', { loginId, error: String(err) }));
    this.stateChains.set(loginId, next);
    return next;
  }

  private async applyState(loginId: string, state: BridgeState): Promise<void> {
    await this.store.logins.setState(loginId, state.state, state.message ?? null);
    const previous = this.lastState.get(loginId);
    this.lastState.set(loginId, state.state);
    if (ERROR_STATES.has(state.state) && previous !== state.state) {
      const login = await this.store.logins.get(loginId);
      if (login) {
        const net = this.networks.get(login.network);
        await this.notify(
          login.userId,
          `⚠️ ${net?.displayName ?? login.network} login ${login.remoteName || login.remoteId}: ${state.message ?? state.state.replace('_', ' ')}`,
        );
      }
    }
  }

  get connectedCount(): number {
    return this.sessions.size;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => s.disconnect().catch(() => undefined)));
    this.sessions.clear();
    this.networkOf.clear();
    await Promise.all([...this.stateChains.values()]);
  }
}
