import type { BridgedMessageRef, JsonValue, PortalInfo, RemoteChatRef } from './ids';
import type { LoginRecord } from './module';
import type { RemoteEvent, RemoteMedia } from './remote-events';

/** Structured logging; metadata values are redacted by key name (token, password...). */
export interface Logger {
  debug(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
  child(meta: Record<string, unknown>): Logger;
}

export type BridgeStateKind =
  'connecting' | 'connected' | 'transient_disconnect' | 'bad_credentials' | 'logged_out' | 'unknown_error';

export interface BridgeState {
  readonly state: BridgeStateKind;
  /** Shown to the user in the management room when the state is an error. */
  readonly message?: string;
}

/** Module-private durable key-value storage (e.g. a session store). Values may be encrypted. */
export interface ModuleKv {
  get(key: string): Promise<Buffer | null>;
  set(key: string, value: Buffer, opts?: { encrypt?: boolean }): Promise<void>;
  delete(key: string): Promise<void>;
  list(prefix: string): Promise<string[]>;
}

/** What the core hands to a module when it creates it. */
export interface ModuleContext<C> {
  readonly network: string;
  readonly config: C;
  readonly log: Logger;
  readonly serverName: string;
  readonly botUserId: string;
  /**
   * Queues a remote event. The returned promise settles once it is stored durably (so a crash
   * cannot lose it); delivery starts at once, without waiting for the store. The core delivers
   * events of one chat in order and retries while the homeserver is down. A rejection means
   * the event was not stored, though it may have been delivered: emitting it again is safe, as
   * a message is recognised by its id.
   */
  emit(event: RemoteEvent): Promise<void>;
  /** Reports the state of a login (or of the shared session with `loginId` null). */
  setBridgeState(loginId: string | null, state: BridgeState): void;
  readonly kv: ModuleKv;
  getLogin(loginId: string): Promise<LoginRecord | null>;
  listLogins(userId?: string): Promise<LoginRecord[]>;
  /** Updates the stored credentials/metadata of a login (e.g. a refreshed token). */
  updateLogin(
    loginId: string,
    patch: { credentials?: JsonValue; metadata?: Record<string, JsonValue> },
  ): Promise<void>;
  getPortal(chat: RemoteChatRef): Promise<PortalInfo | null>;
  listPortals(): Promise<PortalInfo[]>;
  /** Matrix users (not ghosts) joined to a portal room. */
  portalMembers(portal: PortalInfo): Promise<string[]>;
  findMessage(chat: RemoteChatRef, remoteId: string): Promise<BridgedMessageRef | null>;
  /** The Matrix user id of this module's ghost for a remote user id. */
  ghostUserId(remoteUserId: string): string;
  /** The remote user id behind a Matrix id, when it is one of this module's ghosts. */
  remoteUserIdOf(userId: string): string | null;
  /** Downloads Matrix media with a size cap (authenticated media API). */
  downloadMedia(mxc: string, maxBytes: number): Promise<Buffer>;
  /**
   * Uploads what `load` returns to the homeserver once per `key` and gives its `mxc://` URI, for
   * media a module places in HTML itself: a custom emoji as `<img data-mx-emoticon>`. The URI is
   * kept in the database, so a key is uploaded once, ever (make the key change with the file).
   * Since SDK 1.3.
   *
   * @example
   * const mxc = await ctx.uploadMedia(`emoji:${id}`, () => fetchEmoji(id));
   * const html = `<img data-mx-emoticon src="${escapeHtml(mxc)}" alt=":party:" height="32">`;
   */
  uploadMedia(key: string, load: () => Promise<RemoteMedia>): Promise<string>;
  /** Sends a notice from the bridge bot to the user's management room. */
  notifyUser(userId: string, text: string): Promise<void>;
}
