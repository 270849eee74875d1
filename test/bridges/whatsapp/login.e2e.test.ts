/**
 * WhatsApp logins through the real core and Synapse (fake driver): the QR code as an image and
 * its rotation, first-login backfill, the session restored from the database after a restart
 * (no new QR), a second user with a pairing code, the session cap, revocation and logout.
 */
import { body, command, openManagementRoom, waitForText } from '../../e2e/e2e-helpers';
import type { FakeWhatsAppDriver } from '../../fakes/whatsapp/fake-driver';
import type { MatrixEvent, TestMatrixClient } from '../../harness/matrix-test-client';
import { eventually } from './helpers';
import { ALICE, BOB, ghost, jid, loginByQr, startWhatsAppWorld, type WhatsAppWorld } from './e2e-setup';

jest.setTimeout(120_000);

const isImage = (e: MatrixEvent) =>
  e.type === 'm.room.message' && (e.content as { msgtype?: string }).msgtype === 'm.image';

describe('WhatsApp logins e2e', () => {
  let w: WhatsAppWorld;
  let dana: TestMatrixClient;
  let mgmt: string;
  let alice: FakeWhatsAppDriver;

  beforeAll(async () => {
    w = await startWhatsAppWorld({ max_sessions: 2, backfill: { messages: 5, chats: 5 } });
    dana = await w.h.user('dana');
  });
  afterAll(() => w?.stop());

  it('shows the QR code as an image, shows each rotated code, and completes the login', async () => {
    const hourAgo = Math.floor(Date.now() / 1000) - 3600;
    ({ mgmt, driver: alice } = await loginByQr(w, dana, ALICE, 'Dana', async (driver) => {
      // History the phone already has, for the backfill, and Bob's profile picture.
      driver.seedHistory([
        { from: jid(BOB), body: 'an old message', timestamp: hourAgo, notifyName: 'Bob' },
        { from: jid(BOB), body: 'a newer old message', timestamp: hourAgo + 60, notifyName: 'Bob' },
      ]);
      driver.addContact({
        id: jid(BOB),
        pushname: 'Bob',
        profilePicUrl: 'https://pps.whatsapp.net/v/bob.jpg?oe=1',
      });
      driver.emitQr('2@rotated-qr-code');
    }));
    const images = (await dana.messages(mgmt, { limit: 30 })).filter(isImage);
    expect(images.length).toBeGreaterThanOrEqual(2);
    expect(String((images[0]?.content as { url?: string }).url)).toMatch(/^mxc:\/\//);
    const texts = (await dana.messages(mgmt, { limit: 30 })).map(body);
    expect(texts.some((t) => t.includes('QR code data: 2@rotated-qr-code'))).toBe(true);
    await command(dana, mgmt, w.bot, 'logins', /WhatsApp: Dana \(\+3712345678\) — connected/);
  });

  it('stores the session encrypted in the database, never in clear', async () => {
    const rows = await w.h.bridge.db.query<{ key: string; value: Uint8Array; encrypted: boolean }>(
      "SELECT key, value, encrypted FROM kv WHERE network = 'whatsapp' AND key LIKE 'session/%'",
    );
    expect(rows.rows).toHaveLength(1);
    expect(rows.rows[0]?.encrypted).toBe(true);
    expect(Buffer.from(rows.rows[0]?.value as Uint8Array).toString('latin1')).not.toContain(
      'fakeWhatsAppSession',
    );
    const login = (await w.h.bridge.store.logins.list({ userId: dana.userId }))[0];
    expect(login?.credentials).toEqual({ sessionId: alice.sessionId });
  });

  it('backfills recent history with its original time into a DM portal with the contact ghost', async () => {
    const invite = await dana.waitForInvite();
    await dana.join(invite.roomId);
    const old = await waitForText(dana, invite.roomId, 'an old message', ghost(BOB));
    expect(old.origin_server_ts).toBeLessThan(Date.now() - 3_000_000);
    // The whole history, oldest first, each message once.
    await waitForText(dana, invite.roomId, 'a newer old message', ghost(BOB));
    const texts = (await dana.messages(invite.roomId, { limit: 30 }))
      .reverse()
      .filter((e) => e.type === 'm.room.message')
      .map((e) => String(e.content.body));
    expect(texts).toEqual(['an old message', 'a newer old message']);
    const profile = await dana.getProfile(ghost(BOB));
    expect(profile.displayname).toBe('Bob');
    expect(profile.avatar_url).toMatch(/^mxc:\/\//);
    expect(w.pictures.urls).toContain('https://pps.whatsapp.net/v/bob.jpg?oe=1');
    const login = (await w.h.bridge.store.logins.list({ userId: dana.userId }))[0];
    expect(login?.metadata).toMatchObject({ backfilled: true });
  });

  it('restores the session from the database after a restart: no new QR code, messages flow', async () => {
    const imagesBefore = (await dana.messages(mgmt, { limit: 50 })).filter(isImage).length;
    const made = w.drivers.made.length;
    await w.h.restartBridge();
    const restored = await w.drivers.driver(made);
    expect(restored.sessionId).toBe(alice.sessionId);
    await eventually(() => restored.isReady, 'the restored session to be ready');
    alice = restored;
    const dm = (await w.h.bridge.store.portals.list('whatsapp')).find((p) => p.remote_id === jid(BOB));
    await w.bob.sendMessage(jid(ALICE), 'after the restart');
    await waitForText(dana, dm?.room_id ?? '', 'after the restart', ghost(BOB));
    expect((await dana.messages(mgmt, { limit: 50 })).filter(isImage)).toHaveLength(imagesBefore);
    expect(restored.calls.some((c) => c.method === 'requestPairingCode')).toBe(false);
  });

  let erin: TestMatrixClient;
  let erinMgmt: string;
  let erinDriver: FakeWhatsAppDriver;

  it('lets a second Matrix user log in their own WhatsApp with a pairing code', async () => {
    erin = await w.h.user('erin');
    erinMgmt = await openManagementRoom(erin, w.bot);
    const index = w.drivers.made.length;
    await command(erin, erinMgmt, w.bot, 'login whatsapp phone', 'Phone number');
    await command(erin, erinMgmt, w.bot, '+371 5555-5555', 'FAKE5555');
    erinDriver = await w.drivers.driver(index);
    expect(erinDriver.calls).toContainEqual({ method: 'requestPairingCode', args: ['37155555555'] });
    await erinDriver.scanQr('37155555555', 'Erin');
    await waitForText(erin, erinMgmt, 'Logged in to WhatsApp as Erin (+37155555555)', w.bot);
    expect(erinDriver.sessionId).not.toBe(alice.sessionId);
  });

  it('refuses a login beyond max_sessions with a clear notice', async () => {
    const frank = await w.h.user('frank');
    const room = await openManagementRoom(frank, w.bot);
    const made = w.drivers.made.length;
    await command(
      frank,
      room,
      w.bot,
      'login whatsapp',
      /Login to WhatsApp failed: .*at most 2 WhatsApp sessions/,
    );
    expect(w.drivers.made).toHaveLength(made);
  });

  it('reports a session revoked from the phone and asks to log in again', async () => {
    await erinDriver.disconnect('LOGOUT');
    await waitForText(erin, erinMgmt, /logged out of WhatsApp.*login whatsapp/, w.bot);
    const login = (await w.h.bridge.store.logins.list({ userId: erin.userId }))[0];
    expect(login?.state).toBe('logged_out');
    const key = `session/RemoteAuth-${erinDriver.sessionId}`;
    expect(await w.h.bridge.store.kv.forNetwork('whatsapp').get(key)).toBeNull();
  });

  it('logs out: the device is logged out on WhatsApp and the session deleted', async () => {
    await command(dana, mgmt, w.bot, 'logout whatsapp', 'Logged out of WhatsApp');
    expect(alice.calls.some((c) => c.method === 'logout')).toBe(true);
    const key = `session/RemoteAuth-${alice.sessionId}`;
    expect(await w.h.bridge.store.kv.forNetwork('whatsapp').get(key)).toBeNull();
    expect(await w.h.bridge.store.logins.list({ userId: dana.userId })).toHaveLength(0);
  });
});
