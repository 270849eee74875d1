/**
 * WhatsApp history for new portals (SDK 1.3 `fetchHistory`), through the real core and Synapse
 * (fake driver): a chat left out of the first login's backfill starts with its latest messages
 * when it comes back to life, before the message that brought it back.
 */
import { waitForText } from '../../e2e/e2e-helpers';
import type { FakeWhatsAppDriver } from '../../fakes/whatsapp/fake-driver';
import type { TestMatrixClient } from '../../harness/matrix-test-client';
import { ALICE, ghost, jid, loginByQr, startWhatsAppWorld, type WhatsAppWorld } from './e2e-setup';

jest.setTimeout(120_000);

const CAROL = '3711111111';

describe('WhatsApp history for new portals e2e', () => {
  let w: WhatsAppWorld;
  let dana: TestMatrixClient;
  let alice: FakeWhatsAppDriver;
  const hourAgo = Math.floor(Date.now() / 1000) - 3600;

  beforeAll(async () => {
    // No first-login backfill (chats: 0), but up to 5 messages of history for each new portal.
    w = await startWhatsAppWorld({ backfill: { messages: 5, chats: 0 } });
    dana = await w.h.user('dana');
    ({ driver: alice } = await loginByQr(w, dana, ALICE, 'Dana', (d) => {
      d.addContact({ id: jid(CAROL), pushname: 'Carol' });
      d.seedHistory([
        { from: jid(CAROL), body: 'from last week', timestamp: hourAgo - 60, notifyName: 'Carol' },
        { from: jid(CAROL), body: 'still there?', timestamp: hourAgo, notifyName: 'Carol' },
      ]);
    }));
  });
  afterAll(() => w?.stop());

  it('starts the room with the chat’s history, in order and at its own times, then the new message', async () => {
    alice.incomingMessage({ from: jid(CAROL), body: 'back again', notifyName: 'Carol' });
    const room = (await dana.waitForInvite()).roomId;
    await dana.join(room);
    await waitForText(dana, room, 'back again', ghost(CAROL));
    const messages = (await dana.messages(room, { limit: 30 }))
      .reverse()
      .filter((e) => e.type === 'm.room.message');
    expect(messages.map((e) => [e.sender, String(e.content.body)])).toEqual([
      [ghost(CAROL), 'from last week'],
      [ghost(CAROL), 'still there?'],
      [ghost(CAROL), 'back again'],
    ]);
    expect(messages[1]?.origin_server_ts).toBe(hourAgo * 1000);
  });
});
