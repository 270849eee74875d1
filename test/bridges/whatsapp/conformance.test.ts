/**
 * The WhatsApp module through the plugin conformance kit (docs/plugins.md, "test it with the
 * conformance kit"), on the fake driver: the kit logs in by QR code (the driver "scans" it with
 * the kit user's phone), opens a DM with a contact by phone number, and checks text, edits,
 * reactions, redactions, echoes, hostile text and a restart both ways. The module README shows
 * the table this run proves.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createWhatsAppModule } from '../../../bridges/whatsapp';
import type { WAId } from '../../../bridges/whatsapp/driver';
import { userIdOf } from '../../../bridges/whatsapp/ids';
import {
  describeConformance,
  type ConformanceDriver,
  type KitChat,
  type RemoteAction,
} from '../../../src/testing';
import type { FakeWhatsAppDriver } from '../../fakes/whatsapp/fake-driver';
import { FakeWhatsAppNetwork } from '../../fakes/whatsapp/fake-network';
import { fakePictureFetch, recordingFactory } from './helpers';

/** The kit user's own WhatsApp number, and the contact the kit chats with. */
const ME = '3712345678';
const CONTACT = '3798765432';
const jid = (phone: string): WAId => `${phone}@c.us`;

const dataDir = mkdtempSync(path.join(tmpdir(), 'sb-wa-conformance-'));
const network = new FakeWhatsAppNetwork();
network.registered.add(jid(CONTACT)); // so `start-chat whatsapp +<number>` finds the contact
const drivers = recordingFactory(network);

/** The kit user's WhatsApp right now: a restart replaces the driver (same session, same profile). */
function phone(): FakeWhatsAppDriver {
  const d = drivers.made.findLast((x) => x.isReady && x.ownId === jid(ME));
  if (!d) throw new Error(`no logged-in WhatsApp driver for +${ME}`);
  return d;
}

/** The chat a serialized message id belongs to: `<fromMe>_<chat>_<id>[_<participant>]`. */
const chatOfId = (id: string): string => id.split('_')[1] ?? '';

/**
 * What WhatsApp received from the bridge in `chat`, from every driver of the login (before and
 * after a restart): sends with the ids the library gave them, and the calls made on those
 * messages. WhatsApp keeps one reaction per person and message and removes it with an empty
 * one, so a removal is reported with the key it took back.
 */
function received(chat: KitChat): RemoteAction[] {
  const out: RemoteAction[] = [];
  const myReaction = new Map<string, string>();
  for (const d of drivers.made.filter((x) => x.ownId === jid(ME))) {
    const sent = [...d.sent];
    for (const { method, args } of d.calls) {
      if (method === 'sendMessage') {
        // The message this call sent (a call that threw sent nothing).
        const i = sent.findIndex(
          (m) => m.id.remote === args[0] && (typeof args[1] !== 'string' || m.body === args[1]),
        );
        const [m] = i < 0 ? [] : sent.splice(i, 1);
        const replyTo = (args[2] as { quotedMessageId?: string } | undefined)?.quotedMessageId;
        if (m?.id.remote === chat.chat.id)
          out.push({ kind: 'message', id: m.id._serialized, text: m.body, ...(replyTo ? { replyTo } : {}) });
        continue;
      }
      // WhatsApp's typing is chat state, and its read marker covers the whole chat.
      if (args[0] === chat.chat.id && method === 'chat.sendStateTyping')
        out.push({ kind: 'typing', typing: true });
      if (args[0] === chat.chat.id && method === 'chat.clearState')
        out.push({ kind: 'typing', typing: false });
      if (args[0] === chat.chat.id && method === 'sendSeen') out.push({ kind: 'read' });
      const [id, arg] = args as [string, unknown];
      if (typeof id !== 'string' || chatOfId(id) !== chat.chat.id) continue;
      if (method === 'message.edit') out.push({ kind: 'edit', targetId: id, text: String(arg) });
      if (method === 'message.delete' && arg === true) out.push({ kind: 'redaction', targetId: id });
      if (method === 'message.react') {
        const key = String(arg);
        const previous = myReaction.get(id);
        if (previous) out.push({ kind: 'reaction_remove', targetId: id, key: previous });
        if (key) out.push({ kind: 'reaction', targetId: id, key });
        myReaction.set(id, key);
      }
    }
  }
  return out;
}

const driver: ConformanceDriver = {
  config: { chromium: { data_dir: dataDir }, backfill: { messages: 0, chats: 0 } },
  loginFlow: 'qr',
  // The QR code is up: the kit user scans it with their phone.
  async onLoginDisplay(display) {
    if (display.kind !== 'qr') throw new Error(`expected a QR code, got ${display.kind}`);
    const d = drivers.made.at(-1);
    if (!d) throw new Error('the module showed a QR code without a WhatsApp driver');
    d.addContact({ id: jid(CONTACT), pushname: 'Kit Contact' });
    await d.scanQr(ME, 'Kit');
  },
  openChat: { startChat: `+${CONTACT}` },
  async remoteSays(chat, text) {
    const m = phone().incomingMessage({ from: chat.chat.id, body: text, notifyName: 'Kit Contact' });
    return { id: m.id._serialized, sender: userIdOf(m.from) };
  },
  remoteReceived: received,
  observes: ['replies', 'typing', 'read'],
  async remoteReplies(chat, targetId, text) {
    const m = phone().incomingMessage({
      from: chat.chat.id,
      body: text,
      notifyName: 'Kit Contact',
      quoted: targetId,
    });
    return { id: m.id._serialized, sender: userIdOf(m.from) };
  },
  remoteEdits: async (_chat, target, text) => void phone().editMessage(target.id, text),
  remoteRedacts: async (_chat, target) => phone().revokeMessage(target.id),
  remoteReacts: async (chat, targetId, key) =>
    void phone().reactToMessage({ messageId: targetId, senderId: chat.chat.id, reaction: key }),
  // The library already hands every send back as a `message_create` from self (the module drops
  // it by id); this delivers it once more with the same id, as a resync after a reconnect does.
  async remoteEchoes(chat, sent) {
    const id = sent.id.slice(`true_${chat.chat.id}_`.length);
    phone().ownMessageFromPhone({ to: chat.chat.id, body: sent.text, id });
  },
};

describeConformance({
  module: createWhatsAppModule({ driverFactory: drivers.factory, fetch: fakePictureFetch().fetch }),
  driver,
  readme: path.join(__dirname, '../../../bridges/whatsapp/README.md'),
});

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
