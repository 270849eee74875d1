/**
 * What tests hand the fake driver's control API (and what it records for them to inspect). Kept
 * apart from the driver so the network and the local store can share them without the class.
 */
import type { WAId, WALocation, WAMedia, WAMessageType } from '../../../bridges/whatsapp/driver';

export interface FakeCall {
  method: string;
  args: unknown[];
}

export interface IncomingMessageSpec {
  /** The chat: the sender's id in a DM, the group's id in a group. */
  from: WAId;
  /** The sender; required in groups. */
  author?: WAId;
  body?: string;
  type?: WAMessageType;
  media?: WAMedia;
  /** This driver's serialized id of the message being replied to. */
  quoted?: string;
  mentionedIds?: WAId[];
  /** The sender's push name as carried on the message. */
  notifyName?: string;
  location?: WALocation;
  /** Protocol id (the part after the chat in `_serialized`); generated when absent. */
  id?: string;
  timestamp?: number;
}

export interface OwnMessageSpec {
  /** The chat the user wrote to from their phone. */
  to: WAId;
  body?: string;
  type?: WAMessageType;
  media?: WAMedia;
  quoted?: string;
  mentionedIds?: WAId[];
  id?: string;
  timestamp?: number;
}

export interface FakeContactSpec {
  id: WAId;
  pushname?: string;
  /** Name in the logged-in user's address book. */
  name?: string;
  isBusiness?: boolean;
  profilePicUrl?: string;
}

export interface FakeGroupSpec {
  id?: WAId;
  subject: string;
  participants: WAId[];
  admins?: WAId[];
  description?: string;
}
