/**
 * WhatsApp's id and timestamp shapes, as whatsapp-web.js serializes them: `3712345678@c.us` for
 * users, `…@g.us` for groups, `<fromMe>_<chat>_<id>[_<participant>]` for messages, seconds for time.
 */
import type { WAContactId, WAId, WAMessageId } from '../../../bridges/whatsapp/driver';

let protocolIdCounter = 0;
/** Ids shaped like WhatsApp Web's own (`3EB0` + hex), unique across all fakes in a process. */
export function nextProtocolId(): string {
  protocolIdCounter += 1;
  return `3EB0${protocolIdCounter.toString(16).toUpperCase().padStart(16, '0')}`;
}

export function userId(phone: string): WAId {
  return `${phone}@c.us`;
}

export function contactId(id: WAId): WAContactId {
  const [user = '', server = ''] = id.split('@');
  return { user, server, _serialized: id };
}

export function isGroupId(id: WAId): boolean {
  return id.endsWith('@g.us');
}

export function messageId(fromMe: boolean, remote: WAId, id: string, participant?: WAId): WAMessageId {
  const _serialized = `${fromMe}_${remote}_${id}${participant === undefined ? '' : `_${participant}`}`;
  return { fromMe, remote, id, _serialized };
}

export function now(): number {
  return Math.floor(Date.now() / 1000);
}
