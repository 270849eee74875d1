import type { ChatKind, JsonValue, RemoteChatRef, RemoteUserRef } from './ids';

/** Profile facts about a remote user; any field may be omitted when unknown. */
export interface RemoteUserInfo {
  readonly displayName?: string;
  /** A stable key for the avatar (URL, hash, file id): the core re-uploads only when it changes. */
  readonly avatarKey?: string;
  /** Loads the avatar bytes; called only when `avatarKey` changed. */
  readonly fetchAvatar?: () => Promise<RemoteMedia>;
}

/** Facts about a remote chat, used to create and update its portal room. */
export interface RemoteChatInfo {
  readonly kind?: ChatKind;
  readonly name?: string;
  readonly topic?: string;
  readonly avatarKey?: string;
  readonly fetchAvatar?: () => Promise<RemoteMedia>;
  /** Remote users known to be in the chat (used to invite ghosts on creation). */
  readonly members?: readonly RemoteUserRef[];
  /** For DMs: the remote user on the other side (becomes the room's DM partner). */
  readonly dmPartner?: RemoteUserRef;
  /** A parent grouping (Discord guild): the core files the room into that space. */
  readonly space?: RemoteSpace;
}

/** A grouping of chats (a Discord guild, or a category inside it), bridged as a Matrix space. */
export interface RemoteSpace {
  readonly id: string;
  readonly name: string;
  /** The space this one sits in (a category's guild). */
  readonly parent?: RemoteSpace;
}

/** Bytes of a remote file with what the core needs to upload it. */
export interface RemoteMedia {
  readonly data: Buffer;
  readonly mimetype: string;
  readonly filename?: string;
}

/** The author of a remote event. */
export interface RemoteSender extends RemoteUserRef {
  /**
   * Set when the logged-in user sent it from another device (their phone). With double
   * puppeting configured (`appservice.double_puppet_token`) the core sends it as the Matrix user
   * themselves, marked so that its echo is not bridged back; otherwise from the ghost of the
   * user's own remote account. Either way it is not mistaken for an echo of a Matrix message.
   */
  readonly isFromMe?: boolean;
  /** The sender's profile, synced when it changed; left out, the core asks `getUserInfo` for a ghost without a name. */
  readonly info?: RemoteUserInfo;
}

export type RemoteMsgType = 'text' | 'notice' | 'emote';

/** One Matrix event's worth of a remote message. */
export type RemotePart =
  | {
      readonly kind: 'text';
      readonly msgtype?: RemoteMsgType;
      /** Plain text; always required (it is the fallback body). */
      readonly text: string;
      /**
       * HTML rendering. Modules must escape remote text before adding markup; the core
       * additionally sanitises against an allow-list before sending.
       */
      readonly html?: string;
      /**
       * Remote users mentioned, turned into `m.mentions` and pills by the core. An id that is a
       * Matrix user id (`@user:server`) names that Matrix user (the owner of a puppet).
       */
      readonly mentions?: readonly RemoteUserRef[];
    }
  | {
      readonly kind: 'media';
      readonly mediaKind: 'image' | 'video' | 'audio' | 'file' | 'sticker';
      /** Loads the bytes while the process lives. */
      readonly load?: () => Promise<RemoteMedia>;
      /**
       * A serialisable reference the module can load again after a restart (through
       * `NetworkConnector.loadMedia`), because queued events survive restarts but closures do not.
       */
      readonly ref?: JsonValue;
      readonly mimetype?: string;
      readonly filename?: string;
      readonly caption?: string;
      readonly size?: number;
      readonly width?: number;
      readonly height?: number;
      readonly durationMs?: number;
      readonly voice?: boolean;
    }
  | {
      readonly kind: 'location';
      readonly latitude: number;
      readonly longitude: number;
      readonly description?: string;
    };

interface RemoteEventBase {
  readonly chat: RemoteChatRef;
  readonly sender: RemoteSender;
  /** Milliseconds since epoch; defaults to now. Used for `?ts=` on backfill. */
  readonly timestamp?: number;
  /** Chat facts to use if the portal has to be created for this event; left out, the core asks `getChatInfo`. */
  readonly chatInfo?: RemoteChatInfo;
}

export interface RemoteMessageEvent extends RemoteEventBase {
  readonly type: 'message';
  /** The remote message id; with the part index it makes the Matrix transaction id. */
  readonly id: string;
  readonly parts: readonly RemotePart[];
  readonly replyTo?: string;
  readonly threadRoot?: string;
  /** True for history sent with its original timestamp. */
  readonly backfill?: boolean;
}

export interface RemoteEditEvent extends RemoteEventBase {
  readonly type: 'edit';
  readonly targetId: string;
  /** A new id for this edit when the network has one, else the core derives one. */
  readonly editId?: string;
  readonly parts: readonly RemotePart[];
}

export interface RemoteReactionEvent extends RemoteEventBase {
  readonly type: 'reaction';
  readonly targetId: string;
  /** Unicode emoji, or a shortcode when the network uses custom emoji. */
  readonly key: string;
  /** Custom emoji image, for networks that have them. */
  readonly emojiImage?: () => Promise<RemoteMedia>;
}

export interface RemoteReactionRemoveEvent extends RemoteEventBase {
  readonly type: 'reaction_remove';
  readonly targetId: string;
  readonly key: string;
}

export interface RemoteRedactionEvent extends RemoteEventBase {
  readonly type: 'redaction';
  readonly targetId: string;
}

export interface RemoteTypingEvent extends RemoteEventBase {
  readonly type: 'typing';
  readonly typing: boolean;
}

export interface RemoteReadEvent extends RemoteEventBase {
  readonly type: 'read';
  readonly upToId: string;
}

export interface RemoteChatInfoEvent extends RemoteEventBase {
  readonly type: 'chat_info';
  readonly info: RemoteChatInfo;
}

/**
 * A member's standing in a chat, from most to least power: the chat's owner (IRC `~`, a WhatsApp
 * group's creator), its admins (IRC `&`, WhatsApp admins), its moderators (IRC ops `@` and
 * half-ops `%`), members allowed to speak where others may not (IRC voice `+`), everyone else.
 * The core maps roles to Matrix power levels, capped so a ghost never reaches the bridge bot, the
 * power to change power levels, `@room`, or the Matrix users who were given power (SDK 1.1).
 */
export type RemoteRole = 'owner' | 'admin' | 'moderator' | 'voice' | 'member';

export interface RemoteMemberEvent extends RemoteEventBase {
  readonly type: 'member';
  /** The member whose state changes; `sender` is who caused it (a kicker, or themselves). */
  readonly member: RemoteUserRef;
  readonly membership: 'join' | 'leave' | 'kick' | 'ban';
  readonly reason?: string;
  /**
   * With `join`: the role the member has from the start (an IRC user who changed nick keeps their
   * modes). Absent: unchanged. Leaving (`leave`, `kick`, `ban`) always drops the member's role.
   * SDK 1.1.
   */
  readonly role?: RemoteRole;
}

/** One member's new role. */
export interface RemoteMemberRole {
  readonly member: RemoteUserRef;
  readonly role: RemoteRole;
}

/**
 * Roles of members of a chat changed (IRC `MODE +o`, a WhatsApp admin promoted): the core applies
 * them in one power-levels update. `sender` is who changed them; it does not become a ghost.
 * SDK 1.1.
 */
export interface RemoteMemberRolesEvent extends RemoteEventBase {
  readonly type: 'member_roles';
  readonly roles: readonly RemoteMemberRole[];
  /**
   * True when `roles` lists every member whose role is not `member` (an IRC NAMES reply): ghosts of
   * the module that are not listed go back to `member`, which repairs changes missed while away.
   */
  readonly complete?: boolean;
}

export interface RemoteUserInfoEvent {
  readonly type: 'user_info';
  readonly user: RemoteUserRef;
  readonly info: RemoteUserInfo;
  /** Chats in which the change applies (for per-chat display names); all when absent. */
  readonly chat?: RemoteChatRef;
}

/** Everything a module can tell the core about the remote side. */
export type RemoteEvent =
  | RemoteMessageEvent
  | RemoteEditEvent
  | RemoteReactionEvent
  | RemoteReactionRemoveEvent
  | RemoteRedactionEvent
  | RemoteTypingEvent
  | RemoteReadEvent
  | RemoteChatInfoEvent
  | RemoteMemberEvent
  | RemoteMemberRolesEvent
  | RemoteUserInfoEvent;
