import type { ModuleContext } from './context';
import type { JsonObject, JsonValue, PortalInfo, RemoteChatRef } from './ids';
import type { LoginFlow, LoginProcess } from './login';
import type { RemoteMedia, RemoteMessageEvent } from './remote-events';
import type { MatrixActor, RemoteSession, ResolvedChat } from './session';

/** A JSON Schema (draft 2020-12 subset, checked with Ajv) for a module's `bridges.<id>` config. */
export type JsonSchema = JsonObject;

/** What the network can carry; the core uses it to reject early and to tell users why. */
export interface NetworkCapabilities {
  /** The rich-text dialect the module converts to, for documentation and the feature table. */
  readonly formatting: 'plain' | 'html' | 'markdown' | 'irc' | 'whatsapp';
  readonly maxTextLength?: number;
  readonly maxFileSize?: number;
  readonly media: readonly ('image' | 'video' | 'audio' | 'file' | 'sticker' | 'location')[];
  readonly edits: boolean;
  readonly reactions: boolean;
  readonly redactions: boolean;
  readonly replies: boolean;
  readonly threads?: boolean;
  readonly typing?: boolean;
  readonly readReceipts?: boolean;
}

export interface ModuleManifest {
  /** Lower-case letters and digits; used in ghost ids, aliases, config keys and the database. */
  readonly id: string;
  readonly displayName: string;
  /** The SDK version range the module was written against (semver), e.g. `^1.0.0`. */
  readonly sdkVersion: string;
  readonly capabilities: NetworkCapabilities;
}

/**
 * A module's own reversible mapping between its remote user ids and ghost localparts (the part
 * after the ghost prefix), for networks whose ids read better than the core's default escaping
 * makes them (which doubles every `_`: IRC's `libera_alice` would be `@irc_libera__alice`).
 *
 * The core checks every localpart `encode` returns: only `[a-z0-9._=/-]`, non-empty, and `decode`
 * must give the same remote id back; otherwise it refuses to make the ghost and says why. A
 * localpart that `decode` maps to an id whose `encode` is not that localpart is treated as not
 * one of the module's ghosts, so every remote user has exactly one Matrix id. Changing a module's
 * encoding orphans its existing ghosts, like changing its id. Since SDK 1.1.
 *
 * @example
 * // Remote ids are lower-case words and digits already: use them as they are (the core refuses
 * // to make a ghost for any other id, since `encode` would give a localpart `decode` rejects).
 * const ghostLocalpart: GhostLocalpartCodec = {
 *   encode: (id) => id,
 *   decode: (localpart) => (/^[a-z0-9]+$/.test(localpart) ? localpart : null),
 * };
 */
export interface GhostLocalpartCodec {
  /** The localpart (after the ghost prefix) of a remote user id: only `[a-z0-9._=/-]`. */
  encode(remoteUserId: string): string;
  /** The remote user id behind a localpart (after the prefix), or null when `encode` never makes it. */
  decode(localpart: string): string | null;
}

/**
 * The module entry point: `bridges/<id>/index.ts` default-exports one.
 *
 * @example
 * const module: BridgeModule<MyConfig> = {
 *   manifest: { id: 'mynet', displayName: 'My Net', sdkVersion: '^1.0.0', capabilities },
 *   configSchema: { type: 'object', properties: {} },
 *   create: (ctx) => new MyConnector(ctx),
 * };
 * export default module;
 */
export interface BridgeModule<C = JsonObject> {
  readonly manifest: ModuleManifest;
  readonly configSchema: JsonSchema;
  /** Values written into the generated sample config. */
  readonly sampleConfig?: C;
  /**
   * How remote user ids become ghost localparts; default: the core's reversible escaping
   * (`Bob_Smith` → `_bob__smith`). A module property rather than a connector method, because the
   * core needs it before `create` (the context's `ghostUserId`) and for `/users` queries.
   */
  readonly ghostLocalpart?: GhostLocalpartCodec;
  create(ctx: ModuleContext<C>): NetworkConnector;
}

/**
 * A management-room command a module adds (IRC's `nick`). The core lists it in `help`, checks the
 * sender's permission level and shows a thrown `BridgeError`'s message; a built-in command of the
 * same name wins, and so does the first module to claim a name.
 *
 * @example
 * commands: () => [{ name: 'nick', usage: 'nick <nick>', description: 'Change your nick.', run: async (user, args) => `ok` }]
 */
export interface ModuleCommand {
  /** Lower-case, one word. */
  readonly name: string;
  readonly usage: string;
  readonly description: string;
  /** Default `user`. */
  readonly minLevel?: 'relay' | 'user' | 'admin';
  /** Runs the command for `user`; the returned text is the bot's answer. */
  run(user: MatrixActor, args: readonly string[]): Promise<string>;
}

/** A stored login, handed to the module to rebuild its session. */
export interface LoginRecord {
  readonly id: string;
  readonly network: string;
  readonly userId: string;
  readonly remoteId: string;
  readonly remoteName: string;
  /** Decrypted credentials as the module returned them from its login flow. */
  readonly credentials: JsonValue;
  readonly metadata: JsonObject;
}

/**
 * The module's side of the bridge. Everything is optional; which parts a module implements
 * decides how users reach it:
 * - per-user logins: `loginFlows` + `startLogin` + `loadLogin` (WhatsApp);
 * - no login needed: `sessionFor` returns a shared or automatic session (Discord bot, IRC puppets).
 */
export interface NetworkConnector {
  /**
   * Called once when the bridge starts, before any session connects: open what the module shares
   * between logins (a bot connection, a listener). Optional since SDK 1.4: a module whose every
   * connection belongs to a login has nothing to start.
   */
  start?(): Promise<void>;
  /** Called once on shutdown, after every session disconnected. Optional since SDK 1.4. */
  stop?(): Promise<void>;
  loginFlows?(): readonly LoginFlow[];
  startLogin?(flowId: string, user: MatrixActor): LoginProcess;
  /** Builds (does not connect) the session of a stored login. */
  loadLogin?(login: LoginRecord): RemoteSession;
  /**
   * The session a Matrix user speaks through when they have no login of their own, or null.
   * A shared portal (no receiver) asks this first.
   */
  sessionFor?(user: MatrixActor, portal: PortalInfo | null): Promise<RemoteSession | null>;
  /** On-demand portals: `localpart` is the alias localpart after the module's alias prefix. */
  resolveAlias?(localpart: string): Promise<ResolvedChat | null>;
  /**
   * The latest messages of a chat whose portal room the core just created, oldest first: the
   * room starts with them (sent with their own timestamps, marked as backfill) before any new
   * event. Messages already bridged are skipped. A failure costs the history, not the portal,
   * and so does taking longer than 15 s (fetching and sending together).
   * Since SDK 1.3.
   *
   * @example
   * fetchHistory: async (chat) =>
   *   (await api.history(chat.id, 20)).map((m) => ({
   *     type: 'message', chat, sender: { id: m.author }, id: m.id,
   *     parts: [{ kind: 'text', text: m.text }], timestamp: m.time,
   *   })),
   */
  fetchHistory?(chat: RemoteChatRef): Promise<RemoteMessageEvent[]>;
  /** Loads media of a queued event again after a restart (see `RemotePart.ref`). */
  loadMedia?(ref: JsonValue): Promise<RemoteMedia>;
  /** Extra management-room commands (see {@link ModuleCommand}). */
  commands?(): readonly ModuleCommand[];
}
