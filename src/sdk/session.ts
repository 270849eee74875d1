import type { BridgedMessageRef, PortalInfo, RemoteChatRef, RemoteUserRef } from './ids';
import type { MatrixMessage, RemoteSendResult } from './matrix-message';
import type { RemoteChatInfo, RemoteUserInfo } from './remote-events';

/**
 * A connection to the remote network on behalf of one login (or, for bot-style networks,
 * one shared connection). Only `connect`, `disconnect` and `sendMessage` are required;
 * the core detects the optional methods at runtime and answers "not supported by <network>"
 * itself when one is missing.
 */
export interface RemoteSession {
  /**
   * Connects. The core reports the login `connecting` before calling it and `connected` once it
   * resolves, unless the module reported a state itself in between (a network that is only
   * really connected later, say after a QR scan, reports its own states). A thrown
   * `BridgeError('bad_credentials')` becomes that state, anything else `unknown_error`.
   */
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  sendMessage(portal: PortalInfo, msg: MatrixMessage): Promise<RemoteSendResult>;

  editMessage?(portal: PortalInfo, target: BridgedMessageRef, msg: MatrixMessage): Promise<void>;
  redactMessage?(portal: PortalInfo, target: BridgedMessageRef, by: MatrixActor): Promise<void>;
  /** Returns the remote id of the reaction when the network gives one. */
  sendReaction?(
    portal: PortalInfo,
    target: BridgedMessageRef,
    key: string,
    by: MatrixActor,
  ): Promise<string | void>;
  removeReaction?(portal: PortalInfo, target: BridgedMessageRef, key: string, by: MatrixActor): Promise<void>;
  setTyping?(portal: PortalInfo, typing: boolean, by: MatrixActor): Promise<void>;
  markRead?(portal: PortalInfo, upTo: BridgedMessageRef, by: MatrixActor): Promise<void>;
  /** The Matrix room's name or topic changed. */
  setChatInfo?(portal: PortalInfo, info: { name?: string; topic?: string }, by: MatrixActor): Promise<void>;
  /** A Matrix user joined or left a portal room (IRC: join/part the channel). */
  onMatrixMembership?(portal: PortalInfo, change: MatrixMembershipChange): Promise<void>;
  /**
   * A Matrix user (`by`) kicked or banned a remote user's ghost from a portal room: do the same
   * on the network, as `by` (IRC: KICK through their own connection, which needs channel op).
   * Without it the core tells the room the member is still in the chat on the network. Since
   * SDK 1.3.
   */
  removeRemoteMember?(
    portal: PortalInfo,
    member: RemoteUserRef,
    change: { readonly ban: boolean; readonly reason?: string },
    by: MatrixActor,
  ): Promise<void>;
  /**
   * Facts of a chat. The core asks when it creates a portal that no event or resolved chat
   * described (SDK 1.2), and to check a chat an admin links; the chat's own login's session
   * first, else any live session of the network.
   */
  getChatInfo?(chat: RemoteChatRef): Promise<RemoteChatInfo>;
  /**
   * A user's profile. The core asks once per process for a ghost it meets without `info` and
   * without a stored display name (SDK 1.2), so events need not carry profiles; a changed
   * profile is still the module's to report (`user_info`, or `info` on an event).
   */
  getUserInfo?(user: RemoteUserRef): Promise<RemoteUserInfo>;
  /**
   * Turns something a user typed (a phone number, a nick, a user id) into a chat to open.
   * Used by `start-chat` and by inviting a ghost to a new DM.
   */
  resolveIdentifier?(identifier: string): Promise<ResolvedChat>;
  /** Logs out on the remote side (the core then deletes the login). */
  logout?(): Promise<void>;
}

export interface MatrixActor {
  readonly userId: string;
  readonly displayName: string;
}

export interface MatrixMembershipChange extends MatrixActor {
  readonly membership: 'join' | 'leave' | 'invite' | 'ban';
}

export interface ResolvedChat {
  readonly chat: RemoteChatRef;
  /** Left out: the core asks a session's `getChatInfo` when it creates the portal (SDK 1.2). */
  readonly info?: RemoteChatInfo;
  /** The remote user the chat is with, for DMs. */
  readonly user?: RemoteUserRef;
}
