/**
 * Identifiers the core and modules exchange. Remote ids are opaque strings minted by the
 * module; the core only stores and compares them.
 */

/** A remote chat as seen from one bridge module. */
export interface RemoteChatRef {
  /** The module's chat id, e.g. `libera/#matrix` or a WhatsApp JID. */
  readonly id: string;
  /**
   * The login that owns this chat, for per-login chats (a WhatsApp DM), or the Matrix user id
   * that owns it for per-user chats without a stored login (an IRC puppet's private chat: the
   * core invites that user when the chat's first message creates the portal). Empty or absent
   * for chats shared by every user (an IRC channel, a Discord channel).
   */
  readonly receiver?: string;
}

/** A remote user. `id` must be stable: it becomes the ghost's identity. */
export interface RemoteUserRef {
  readonly id: string;
}

/** One bridged portal as the core stores it. */
export interface PortalInfo {
  readonly network: string;
  readonly chat: RemoteChatRef;
  readonly roomId: string;
  readonly kind: ChatKind;
  readonly name?: string;
  readonly topic?: string;
  readonly metadata: JsonObject;
}

export type ChatKind = 'dm' | 'group' | 'channel';

/** A message that has been bridged: the remote id (and part) of a Matrix event. */
export interface BridgedMessageRef {
  readonly remoteId: string;
  readonly part: string;
  readonly eventId: string;
  /** Remote user id of the author, when known. */
  readonly remoteSender?: string;
  /** Matrix user id of the author. */
  readonly matrixSender?: string;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };
