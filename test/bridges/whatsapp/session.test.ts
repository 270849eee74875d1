/** A stored login's session: restore, revocation, bridge state, echoes (fake driver, stub context). */
import { ClientPool } from '../../../bridges/whatsapp/client';
import { WhatsAppSession } from '../../../bridges/whatsapp/from-matrix';
import { whatsappLogin } from '../../../bridges/whatsapp/login';
import type { LoginRecord, LoginStep, MatrixMessage, PortalInfo } from '../../../src/sdk';
import { FakeWhatsAppNetwork } from '../../fakes/whatsapp/fake-network';
import { eventually, fakePictureFetch, recordingFactory } from './helpers';
import { stubContext, type StubContext } from './stub-context';

const dana = { userId: '@dana:hs', displayName: 'Dana' };

function record(sessionId: string, metadata = {}): LoginRecord {
  const l = {
    id: 'l1',
    network: 'whatsapp',
    userId: dana.userId,
    remoteId: '3712345678',
    remoteName: '+3712345678',
  };
  return { ...l, credentials: { sessionId }, metadata };
}

/** Logs in through the QR flow and returns the completed login's record. */
async function loggedIn(ctx: StubContext, pool: ClientPool, rec: ReturnType<typeof recordingFactory>) {
  const login = whatsappLogin(ctx, pool, 'qr', dana);
  await login.start();
  const done = login.wait?.();
  const driver = await rec.driver(rec.made.length - 1);
  await driver.scanQr('3712345678', 'Dana');
  const step = (await done) as Extract<LoginStep, { type: 'complete' }>;
  return { driver, record: record((step.login.credentials as { sessionId: string }).sessionId) };
}

const states = (ctx: StubContext) => ctx.states.map((s) => s.state.state);

describe('WhatsAppSession', () => {
  it('reports a stored session WhatsApp no longer accepts as logged_out, asking to log in again', async () => {
    const ctx = stubContext();
    const rec = recordingFactory();
    const session = new WhatsAppSession(
      ctx,
      new ClientPool(ctx, rec.factory),
      record('wa-0123456789abcdef'),
      fetch,
    );
    await session.connect(); // no stored session: the fake shows a QR code instead of restoring
    expect(ctx.states.at(-1)?.state).toMatchObject({
      state: 'logged_out',
      message: expect.stringContaining('`login whatsapp`'),
    });
    expect(states(ctx)).not.toContain('connected');
    expect((await rec.driver(0)).calls.map((c) => c.method)).toContain('destroy');
  });

  it('restores a stored session without a QR code, reports state changes, and a revocation', async () => {
    const ctx = stubContext();
    const rec = recordingFactory();
    const pool = new ClientPool(ctx, rec.factory);
    const { driver: first, record: login } = await loggedIn(ctx, pool, rec);
    const loginClient = pool.takeHandedOff(first.sessionId);
    if (loginClient) await pool.close(loginClient); // as if the bridge had restarted
    const session = new WhatsAppSession(ctx, pool, login, fetch);
    await session.connect();
    const restored = await rec.driver(1);
    await eventually(() => restored.isReady, 'the restored session');
    expect(states(ctx)).toEqual(['connecting', 'connected']);
    await restored.disconnect('TIMEOUT');
    expect(ctx.states.at(-2)?.state.state).toBe('transient_disconnect');
    expect(ctx.states.at(-1)?.state).toMatchObject({
      state: 'bad_credentials',
      message: expect.stringContaining('TIMEOUT'),
    });
    expect(ctx.kvData.has(`session/RemoteAuth-${first.sessionId}`)).toBe(false);
    expect(pool.size).toBe(0);
  });

  it('does not bridge the echo of its own send, even when it arrives before the send returns', async () => {
    const ctx = stubContext({ backfill: { messages: 0, chats: 0 } });
    const network = new FakeWhatsAppNetwork();
    network.registered.add('3798765432@c.us');
    const rec = recordingFactory(network);
    const pool = new ClientPool(ctx, rec.factory);
    const { driver, record: login } = await loggedIn(ctx, pool, rec);
    const session = new WhatsAppSession(ctx, pool, login, fakePictureFetch().fetch);
    await session.connect();
    const portal: PortalInfo = {
      network: 'whatsapp',
      chat: { id: '3798765432@c.us', receiver: 'l1' },
      roomId: '!dm:hs',
      kind: 'dm',
      metadata: {},
    };
    const msg: MatrixMessage = {
      eventId: '$e',
      roomId: '!dm:hs',
      sender: { userId: dana.userId, displayName: 'Dana' },
      msgtype: 'text',
      body: 'from Matrix',
      mentions: [],
      mentionsRoom: false,
      permalink: '',
      timestamp: Date.now(),
    };
    const sent = await session.sendMessage(portal, msg);
    driver.ownMessageFromPhone({ to: '3798765432@c.us', body: 'from the phone' });
    await pool.byLogin.get('l1')?.idle();
    const messages = ctx.events.filter((e) => e.type === 'message');
    expect(messages.map((e) => (e.type === 'message' ? e.parts[0] : null))).toEqual([
      { kind: 'text', text: 'from the phone' },
    ]);
    expect(messages[0]).toMatchObject({ sender: { id: '3712345678', isFromMe: true } });
    expect(sent.remoteId).toMatch(/^true_3798765432@c\.us_/);

    // Bob read it: a read receipt from his ghost, once, in the existing portal.
    ctx.portals.push(portal);
    driver.ack(sent.remoteId, 3);
    driver.ack(sent.remoteId, 4);
    await pool.byLogin.get('l1')?.idle();
    const reads = ctx.events.filter((e) => e.type === 'read');
    expect(reads).toEqual([
      { type: 'read', chat: portal.chat, sender: { id: '3798765432' }, upToId: sent.remoteId },
    ]);
  });

  it('renames a group from Matrix, and says so when WhatsApp refuses (only admins may)', async () => {
    const ctx = stubContext({ backfill: { messages: 0, chats: 0 } });
    const rec = recordingFactory();
    const pool = new ClientPool(ctx, rec.factory);
    const { driver, record: login } = await loggedIn(ctx, pool, rec);
    const session = new WhatsAppSession(ctx, pool, login, fetch);
    await session.connect();
    const group = '120363000000000042@g.us';
    const asked: string[] = [];
    let allowed = true;
    driver.getChatById = async () =>
      ({
        isGroup: true,
        setSubject: async (s: string) => (asked.push(`subject ${s}`), allowed),
        setDescription: async (d: string) => (asked.push(`description ${d}`), allowed),
      }) as never;
    const portal: PortalInfo = {
      network: 'whatsapp',
      chat: { id: group, receiver: 'l1' },
      roomId: '!g:hs',
      kind: 'group',
      metadata: {},
    };
    await session.setChatInfo(portal, { name: 'Team' });
    await session.setChatInfo(portal, { topic: '' });
    expect(asked).toEqual(['subject Team', 'description ']);
    allowed = false;
    await expect(session.setChatInfo(portal, { name: 'Mine now' })).rejects.toMatchObject({
      code: 'permission_denied',
      message: expect.stringContaining('only admins'),
    });
  });

  it('bridges only the chats the config asks for; status broadcasts only when enabled', async () => {
    for (const [config, expected] of [
      [{ bridge_chats: 'dms', bridge_status_broadcasts: false }, ['3798765432@c.us']],
      [
        { bridge_chats: 'groups', bridge_status_broadcasts: true },
        ['120363000000000001@g.us', 'status@broadcast'],
      ],
    ] as const) {
      const ctx = stubContext({ ...config, backfill: { messages: 0, chats: 0 } });
      const rec = recordingFactory();
      const pool = new ClientPool(ctx, rec.factory);
      const { driver, record: login } = await loggedIn(ctx, pool, rec);
      await new WhatsAppSession(ctx, pool, login, fetch).connect();
      const group = driver.addGroup({ id: '120363000000000001@g.us', subject: 'G', participants: [] });
      driver.incomingMessage({ from: '3798765432@c.us', body: 'dm' });
      driver.incomingMessage({ from: group, author: '3798765432@c.us', body: 'group' });
      driver.incomingMessage({ from: 'status@broadcast', author: '3798765432@c.us', body: 'status' });
      await pool.byLogin.get('l1')?.idle();
      const chats = ctx.events
        .filter((e) => e.type === 'message')
        .map((e) => (e.type === 'message' ? e.chat.id : ''));
      expect(chats).toEqual(expected);
    }
  });
});
