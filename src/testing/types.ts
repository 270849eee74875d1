/**
 * The conformance kit's vocabulary: the driver a module author writes, and the report the kit
 * hands back. Kept free of core types beyond the public SDK so `switchboard/testing` stays a
 * stable surface like `switchboard` itself.
 */
import type { BridgeModule, LoginStep, RemoteChatRef } from '../sdk';

/** A portal the kit opened, as the driver needs it to act on the remote side. */
export interface KitChat {
  /** The portal's Matrix room. */
  readonly roomId: string;
  /** The remote chat as the module minted it (id, and receiver for per-login chats). */
  readonly chat: RemoteChatRef;
  /** The kit user's login: null for modules without per-user logins (bot-style, IRC puppets). */
  readonly login: { readonly id: string; readonly remoteId: string } | null;
  /** The kit's Matrix user. */
  readonly userId: string;
}

/**
 * One thing the remote side received from the bridge, as the driver's fake network recorded
 * it. Ids are the module's remote message ids.
 */
export type RemoteAction =
  | {
      readonly kind: 'message';
      readonly id: string;
      readonly text: string;
      /** The remote message it answers, when the network carries replies (see `observes`). */
      readonly replyTo?: string;
    }
  | { readonly kind: 'edit'; readonly targetId: string; readonly text: string }
  | { readonly kind: 'redaction'; readonly targetId: string }
  | { readonly kind: 'reaction'; readonly targetId: string; readonly key: string }
  | { readonly kind: 'reaction_remove'; readonly targetId: string; readonly key: string }
  | { readonly kind: 'typing'; readonly typing: boolean }
  /** `upToId` left out: the network marks the whole chat read (WhatsApp's `sendSeen`). */
  | { readonly kind: 'read'; readonly upToId?: string };

/** What a driver's `remoteReceived` reports beyond messages, edits, reactions and redactions. */
export type Observable = 'replies' | 'typing' | 'read';

/**
 * Something the kit's Matrix user did in the portal, oldest first. Networks whose lines carry no
 * message ids (IRC) key what the remote side received by the Matrix event it came from: the
 * driver finds the line's text here and builds the id the module gave that event.
 */
export type MatrixSent =
  | { readonly kind: 'message'; readonly eventId: string; readonly body: string }
  | { readonly kind: 'edit'; readonly eventId: string; readonly targetEventId: string; readonly body: string }
  | {
      readonly kind: 'reaction';
      readonly eventId: string;
      readonly targetEventId: string;
      readonly key: string;
    }
  | { readonly kind: 'redaction'; readonly eventId: string; readonly targetEventId: string };

/** A message the remote side posted: its remote id and the remote user who posted it. */
export interface RemoteSaid {
  readonly id: string;
  readonly sender: string;
}

/**
 * How the kit makes the fake remote side act and sees what reached it. Only `openChat`,
 * `remoteSays` and `remoteReceived` are required; a missing optional hook turns its check into
 * "not tested" (⏭) in the feature table instead of a failure.
 *
 * @example
 * const driver: ConformanceDriver = {
 *   config: { contacts: ['alice'], reply_delay_ms: 20 },
 *   loginInputs: { username: 'kit', token: 'ex-conformance' },
 *   openChat: { startChat: 'alice' },
 *   remoteSays: async (chat, text) => ({ id: await myFake.say(chat.chat.id, 'alice', text), sender: 'alice' }),
 *   remoteReceived: (chat) => myFake.log.filter((a) => a.chat === chat.chat.id),
 * };
 */
export interface ConformanceDriver {
  /** The module's `bridges.<id>` config section (`enabled` is added by the kit). */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Login flow id to use; default: the module's first flow. */
  readonly loginFlow?: string;
  /**
   * Answers for `user_input` login steps, by field id. A module whose logins are optional (it
   * has `sessionFor`) is tested without one when the driver gives neither this nor `onLoginDisplay`.
   */
  readonly loginInputs?: Readonly<Record<string, string>>;
  /** A `display_and_wait` step is shown (QR code, pairing code): make the fake network accept it. */
  onLoginDisplay?(display: Extract<LoginStep, { type: 'display_and_wait' }>['display']): Promise<void>;
  /**
   * How the kit's Matrix user reaches a chat: `start-chat <network> <startChat>` in the
   * management room, or joining the module's alias `#<alias prefix><alias>:<domain>`.
   */
  readonly openChat: { readonly startChat: string } | { readonly alias: string };
  /** The remote side posts `text` in the chat; resolves once the module has been told. */
  remoteSays(chat: KitChat, text: string): Promise<RemoteSaid>;
  /**
   * What the remote side received from the bridge in this chat, oldest first. `sent` is what the
   * kit's user did in the portal so far, for networks that must key lines by Matrix event.
   */
  remoteReceived(
    chat: KitChat,
    sent: readonly MatrixSent[],
  ): Promise<readonly RemoteAction[]> | readonly RemoteAction[];
  /**
   * Which of the optional actions `remoteReceived` reports: `replies` (a message's `replyTo`),
   * `typing`, `read`. The kit checks a declared capability out only when its action is
   * observable here; otherwise the feature table says ⏭.
   */
  readonly observes?: readonly Observable[];
  /** A remote user posts `text` as a reply to the kit user's message with remote id `targetId`. */
  remoteReplies?(chat: KitChat, targetId: string, text: string): Promise<RemoteSaid>;
  /** The remote author edits its message `target` to `text`. */
  remoteEdits?(chat: KitChat, target: RemoteSaid, text: string): Promise<void>;
  /** The remote author deletes its message `target`. */
  remoteRedacts?(chat: KitChat, target: RemoteSaid): Promise<void>;
  /** A remote user reacts with `key` to the message with remote id `targetId` (the kit user's). */
  remoteReacts?(chat: KitChat, targetId: string, key: string): Promise<void>;
  /**
   * The network hands the kit user's own message back as it would (IRC echo-message, a
   * WhatsApp `message_create` from self, a Discord webhook message), with the same remote id.
   */
  remoteEchoes?(chat: KitChat, sent: Extract<RemoteAction, { kind: 'message' }>): Promise<void>;
}

/** Any module object, whatever its config type (`sampleConfig` is what makes `BridgeModule<C>` invariant). */
export type AnyBridgeModule = Omit<BridgeModule<never>, 'sampleConfig'> & { readonly sampleConfig?: unknown };

/** A module given directly, or `{ id, from }`: loaded by the core's loader as `bridges.<id>.module: <from>`. */
export type ModuleUnderTest = AnyBridgeModule | { readonly id: string; readonly from: string };

export interface ConformanceOptions {
  readonly module: ModuleUnderTest;
  readonly driver: ConformanceDriver;
  /** Database back end; default Postgres when `SWITCHBOARD_TEST_PG_URL` is set, else embedded PGlite. */
  readonly backend?: 'postgres' | 'pglite';
  /** A README whose feature table (between the kit's markers) must match the one this run prints. */
  readonly readme?: string;
  /** How long one wait (for a Matrix event, for the remote side) may take; default 10 s. */
  readonly timeoutMs?: number;
  /** Print the feature table when done; default true. */
  readonly print?: boolean;
}

export type CheckStatus = 'passed' | 'failed' | 'not_supported' | 'not_tested' | 'not_applicable';

/** The rows of the feature table, in order. */
export type Feature =
  | 'login'
  | 'chat'
  | 'text'
  | 'edits'
  | 'reactions'
  | 'redactions'
  | 'replies'
  | 'typing'
  | 'receipts'
  | 'echo'
  | 'escaping'
  | 'restart';

/** `out`: Matrix → remote; `in`: remote → Matrix. */
export type Direction = 'out' | 'in';

export interface CheckResult {
  readonly feature: Feature;
  readonly direction: Direction;
  /** What was checked, e.g. "a Matrix edit reaches the remote side". */
  readonly title: string;
  readonly status: CheckStatus;
  /** Why it failed, or why it was not tested. */
  readonly detail?: string;
  readonly ms: number;
}

export interface ConformanceReport {
  readonly network: string;
  readonly displayName: string;
  readonly results: readonly CheckResult[];
  /** The Markdown feature table, as printed and as the module README shows it. */
  readonly table: string;
  /** True when no check failed. */
  readonly passed: boolean;
}
