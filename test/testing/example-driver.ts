import { randomUUID } from 'node:crypto';
import type { FakeClient } from '../../bridges/example/client';
import { contactOf } from '../../bridges/example/ids';
import type { ConformanceDriver, KitChat, RemoteAction } from '../../src/testing';
import { contactSays, exampleClient } from '../support/example-contacts';

/**
 * The conformance driver of the example module (run by test/bridges/example/conformance.test.ts).
 * It reaches the fake network through its test hook: the login's client, whose `seen` lines are
 * what the network received and whose `onEvent` is where the network's own events enter.
 */
const client = (chat: KitChat): FakeClient => exampleClient(chat.login?.id ?? '(no login)');
/** In a DM the contact speaks; in the lobby, the first contact. */
const contact = (chat: KitChat) => contactOf(chat.chat.id) ?? 'alice';

/** `seen` lines look like `react dm:alice <message id> 👍`. */
function parse(line: string, chatId: string): RemoteAction | null {
  const [verb, chat, id = '', ...rest] = line.split(' ');
  const text = rest.join(' ');
  if (chat !== chatId) return null;
  if (verb === 'send') return { kind: 'message', id, text };
  if (verb === 'edit') return { kind: 'edit', targetId: id, text };
  if (verb === 'redact') return { kind: 'redaction', targetId: id };
  if (verb === 'react') return { kind: 'reaction', targetId: id, key: text };
  if (verb === 'unreact') return { kind: 'reaction_remove', targetId: id, key: text };
  if (verb === 'typing') return { kind: 'typing', typing: id === 'true' };
  if (verb === 'read') return { kind: 'read', upToId: id };
  return null;
}

export const exampleDriver: ConformanceDriver = {
  config: { contacts: ['alice', 'bob'], reply_delay_ms: 20 },
  loginInputs: { username: 'kit', token: 'ex-conformance' },
  openChat: { startChat: 'alice' },
  // Matrix replies reach the network as plain messages (the fake records no reply), so only
  // typing and read markers are reported beyond the basics.
  observes: ['typing', 'read'],
  async remoteSays(chat, text) {
    const sender = contact(chat);
    return { id: await contactSays(chat.login?.id ?? '', sender, text, chat.chat.id), sender };
  },
  async remoteReplies(chat, targetId, text) {
    const [id, sender] = [randomUUID(), contact(chat)];
    const parts = [{ kind: 'text', text } as const];
    await client(chat).onEvent(chat.chat.id, sender, { type: 'message', id, parts, replyTo: targetId });
    return { id, sender };
  },
  remoteEdits: (chat, target, text) =>
    client(chat).onEvent(chat.chat.id, target.sender, {
      type: 'edit',
      targetId: target.id,
      parts: [{ kind: 'text', text }],
    }),
  remoteRedacts: (chat, target) =>
    client(chat).onEvent(chat.chat.id, target.sender, { type: 'redaction', targetId: target.id }),
  remoteReacts: (chat, targetId, key) =>
    client(chat).onEvent(chat.chat.id, contact(chat), { type: 'reaction', targetId, key }),
  // The network delivers our own message back from the logged-in account, with the same id.
  remoteEchoes: (chat, sent) =>
    client(chat).onEvent(chat.chat.id, chat.login?.remoteId ?? '', {
      type: 'message',
      id: sent.id,
      parts: [{ kind: 'text', text: sent.text }],
    }),
  remoteReceived: (chat) =>
    client(chat)
      .seen.map((line) => parse(line, chat.chat.id))
      .filter((a): a is RemoteAction => a !== null),
};
