/**
 * Group chats as the fake keeps them: a new group's chat, how a group notification changes it,
 * and which event the library emits for each notification type.
 */
import type { WAGroupNotificationType, WAId } from '../../../bridges/whatsapp/driver';
import type { StoredChat } from './local-store';
import type { FakeGroupSpec } from './specs';
import { contactId, now } from './wa-ids';

export type GroupEvent = 'group_join' | 'group_leave' | 'group_admin_changed' | 'group_update';

export function groupEventFor(type: WAGroupNotificationType): GroupEvent {
  // The same routing as whatsapp-web.js's onAddMessageEvent for gp2 messages.
  if (type === 'add' || type === 'invite' || type === 'linked_group_join') return 'group_join';
  if (type === 'remove' || type === 'leave') return 'group_leave';
  if (type === 'promote' || type === 'demote') return 'group_admin_changed';
  return 'group_update';
}

/** The chat of a group this account is a member of; a random `120363…@g.us` id when none is given. */
export function newGroupChat(spec: FakeGroupSpec): StoredChat {
  const id = spec.id ?? `120363${String(Math.floor(Math.random() * 1e12)).padStart(12, '0')}@g.us`;
  const admins = new Set(spec.admins ?? []);
  const chat: StoredChat = {
    id,
    name: spec.subject,
    isGroup: true,
    participants: spec.participants.map((p) => ({
      id: contactId(p),
      isAdmin: admins.has(p),
      isSuperAdmin: false,
    })),
    unreadCount: 0,
    timestamp: now(),
  };
  if (spec.description !== undefined) chat.description = spec.description;
  return chat;
}

export function applyGroupChange(
  chat: StoredChat,
  type: WAGroupNotificationType,
  body: string,
  recipients: WAId[],
): void {
  const participants = chat.participants ?? [];
  if (type === 'subject') chat.name = body;
  else if (type === 'description') chat.description = body;
  else if (type === 'add' || type === 'invite' || type === 'linked_group_join') {
    for (const r of recipients) {
      if (!participants.some((p) => p.id._serialized === r)) {
        participants.push({ id: contactId(r), isAdmin: false, isSuperAdmin: false });
      }
    }
  } else if (type === 'remove' || type === 'leave') {
    chat.participants = participants.filter((p) => !recipients.includes(p.id._serialized));
    return;
  } else if (type === 'promote' || type === 'demote') {
    for (const p of participants) if (recipients.includes(p.id._serialized)) p.isAdmin = type === 'promote';
  }
  chat.participants = participants;
}
