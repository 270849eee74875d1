import type { BridgedMessageRef } from './ids';

/** The Matrix user behind an event, as the module needs them to appear on the remote side. */
export interface MatrixSender {
  readonly userId: string;
  readonly displayName: string;
  /** `mxc://` avatar, when set. */
  readonly avatarMxc?: string;
  /**
   * A signed, expiring HTTP URL through the bridge's media route for networks whose servers
   * fetch avatars themselves (Discord webhooks). Absent when no public URL is configured.
   */
  readonly avatarUrl?: string;
}

/** A mention the core resolved to a user of this module's network. */
export interface MatrixMention {
  readonly remoteUserId: string;
  readonly displayName: string;
}

export interface MatrixMedia {
  readonly mxc: string;
  readonly mimetype: string;
  readonly filename: string;
  readonly size?: number;
  /** Downloads through the homeserver's authenticated media API with the module's size cap. */
  readonly download: () => Promise<Buffer>;
  /** A signed public URL for the file through the bridge's media route, when configured. */
  readonly publicUrl?: string;
}

export type MatrixMsgType = 'text' | 'notice' | 'emote' | 'image' | 'video' | 'audio' | 'file' | 'location';

/**
 * A Matrix message handed to a module, already resolved by the core: the reply target is
 * looked up in the same room only, mentions are mapped to remote users, and `html` has
 * been sanitised and stripped of the reply fallback.
 */
export interface MatrixMessage {
  readonly eventId: string;
  readonly roomId: string;
  readonly sender: MatrixSender;
  readonly msgtype: MatrixMsgType;
  /** Plain text (reply fallback removed). For media, the caption or file name. */
  readonly body: string;
  readonly html?: string;
  /** Remote users this message mentions (from `m.mentions` and pills). */
  readonly mentions: readonly MatrixMention[];
  /** Whether the sender asked for a room-wide mention; modules must not pass it on unchecked. */
  readonly mentionsRoom: boolean;
  readonly replyTo?: BridgedMessageRef;
  readonly threadRoot?: BridgedMessageRef;
  readonly media?: MatrixMedia;
  readonly location?: { readonly latitude: number; readonly longitude: number };
  /** A permalink to the event, for networks that link instead of sending long text. */
  readonly permalink: string;
  readonly timestamp: number;
}

/** What a send returns: the remote id that now stands for the Matrix event. */
export interface RemoteSendResult {
  readonly remoteId: string;
  /** When the network split the message into several remote messages, their extra ids. */
  readonly extraIds?: readonly string[];
  readonly timestamp?: number;
}
