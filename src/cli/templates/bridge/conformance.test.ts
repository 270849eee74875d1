/**
 * Runs the Switchboard conformance kit on this module: a real Synapse and the real core, with the
 * driver below playing the other side of the fake network. Needs SYNAPSE_PYTHON (a Python with
 * matrix-synapse) and, optionally, SWITCHBOARD_TEST_PG_URL (else the core uses embedded PGlite).
 */
import path from 'node:path';
import {
  describeConformance,
  type ConformanceDriver,
  type KitChat,
  type RemoteAction,
} from '../../../testing';
import { tmplnetNetwork, type Sent, type TmplnetClient } from './client';
import tmplnet from './index';

const README = path.join(__dirname, 'README.md');

const client = (chat: KitChat): TmplnetClient => {
  const c = chat.login && tmplnetNetwork.clients.get(chat.login.id);
  if (!c) throw new Error(`no Tmplnet client for login ${chat.login?.id}`);
  return c;
};
/** The other side of a DM: the user the chat is with. */
const peer = (chat: KitChat): string => chat.chat.id.replace(/^dm:/, '');

const toAction = (s: Sent): RemoteAction =>
  s.type === 'message'
    ? { kind: 'message', id: s.id, text: s.text ?? '' }
    : s.type === 'edit'
      ? { kind: 'edit', targetId: s.id, text: s.text ?? '' }
      : { kind: 'redaction', targetId: s.id };

let lastId = 0;
const driver: ConformanceDriver = {
  config: { server: 'fake://tmplnet' },
  loginInputs: { username: 'kit', token: 'tok-conformance' },
  openChat: { startChat: 'alice' },
  async remoteSays(chat, text) {
    const id = `remote-${++lastId}`;
    await client(chat).onEvent({ type: 'message', chat: chat.chat.id, from: peer(chat), id, text });
    return { id, sender: peer(chat) };
  },
  remoteEdits: (chat, target, text) =>
    client(chat).onEvent({ type: 'edit', chat: chat.chat.id, from: target.sender, id: target.id, text }),
  remoteRedacts: (chat, target) =>
    client(chat).onEvent({ type: 'delete', chat: chat.chat.id, from: target.sender, id: target.id }),
  // The network hands our own message back from the logged-in account, with the id it gave it.
  remoteEchoes: (chat, sent) =>
    client(chat).onEvent({
      type: 'message',
      chat: chat.chat.id,
      from: chat.login?.remoteId ?? '',
      id: sent.id,
      text: sent.text,
    }),
  remoteReceived: (chat) =>
    client(chat)
      .sent.filter((s) => s.chat === chat.chat.id)
      .map(toAction),
};

describeConformance({ module: tmplnet, driver, readme: README });
