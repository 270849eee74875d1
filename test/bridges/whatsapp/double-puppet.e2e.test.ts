/**
 * WhatsApp with double puppeting, through the real core and Synapse (fake driver): what the user
 * does on their phone shows as their own Matrix account, their messages and their reading.
 */
import { DOUBLE_PUPPET_KEY } from '../../../src/matrix/double-puppet';
import { waitForText } from '../../e2e/e2e-helpers';
import type { FakeWhatsAppDriver } from '../../fakes/whatsapp/fake-driver';
import type { TestMatrixClient } from '../../harness/matrix-test-client';
import { ALICE, BOB, ghost, jid, loginByQr, startWhatsAppWorld, type WhatsAppWorld } from './e2e-setup';

jest.setTimeout(120_000);

describe('WhatsApp double puppeting e2e', () => {
  let w: WhatsAppWorld;
  let dana: TestMatrixClient;
  let alice: FakeWhatsAppDriver;
  let dm: string;

  beforeAll(async () => {
    w = await startWhatsAppWorld({ backfill: { messages: 0, chats: 0 } }, { doublePuppet: true });
    dana = await w.h.user('dana');
    ({ driver: alice } = await loginByQr(w, dana, ALICE, 'Dana', (d) =>
      d.addContact({ id: jid(BOB), pushname: 'Bob' }),
    ));
    await w.bob.sendMessage(jid(ALICE), 'hi dana');
    dm = (await dana.waitForInvite()).roomId;
    await dana.join(dm);
    await waitForText(dana, dm, 'hi dana', ghost(BOB));
  });
  afterAll(() => w?.stop());

  it('shows a message typed on the phone as the Matrix user', async () => {
    alice.ownMessageFromPhone({ to: jid(BOB), body: 'typed on my phone' });
    const own = await waitForText(dana, dm, 'typed on my phone', dana.userId);
    expect(own.content).toMatchObject({ [DOUBLE_PUPPET_KEY]: 'whatsapp' });
  });

  it('marks the room read as the user when they read the chat on the phone, never as their ghost', async () => {
    await w.bob.sendMessage(jid(ALICE), 'unread until the phone reads it');
    const latest = await waitForText(dana, dm, 'unread until the phone reads it', ghost(BOB));
    alice.readOnPhone(jid(BOB));
    const receipt = await dana.waitForReceipt(dm, dana.userId);
    expect(receipt).toMatchObject({ eventId: latest.event_id, type: 'm.read' });
    expect(Object.keys(await dana.joinedMembers(dm))).not.toContain(ghost(ALICE));
  });
});
