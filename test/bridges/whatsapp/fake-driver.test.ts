/** The fake driver's contract, which the WhatsApp module's e2e tests rely on. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DriverOptions, WAMessage, WhatsAppDriverEvent } from '../../../bridges/whatsapp/driver';
import { KvSessionStore } from '../../../bridges/whatsapp/session-store';
import { createFakeDriverFactory, type FakeWhatsAppDriver } from '../../fakes/whatsapp/fake-driver';
import { FakeWhatsAppNetwork } from '../../fakes/whatsapp/fake-network';
import { MemoryKeyValue } from '../../fakes/whatsapp/memory-kv';

const ALICE = '3712345678';
const BOB = '3798765432';
const ALICE_ID = `${ALICE}@c.us`;
const BOB_ID = `${BOB}@c.us`;

let dir: string;
let kv: MemoryKeyValue;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sb-fake-wa-'));
  kv = new MemoryKeyValue();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function options(sessionId: string): DriverOptions {
  return { sessionId, store: new KvSessionStore(kv), chromium: { dataDir: dir, mode: 'per-session' } };
}

/** Records the event names in order, with their arguments. */
function recordEvents(driver: FakeWhatsAppDriver, names: WhatsAppDriverEvent[]): Array<[string, unknown[]]> {
  const seen: Array<[string, unknown[]]> = [];
  for (const name of names) driver.on(name, (...args: unknown[]) => seen.push([name, args]));
  return seen;
}

async function loggedIn(
  sessionId: string,
  phone: string,
  network?: FakeWhatsAppNetwork,
): Promise<FakeWhatsAppDriver> {
  const { factory, drivers } = createFakeDriverFactory(network);
  factory(options(sessionId));
  const driver = drivers.get(sessionId);
  if (!driver) throw new Error('factory did not record the driver');
  await driver.initialize();
  await driver.scanQr(phone);
  return driver;
}

describe('login and session persistence', () => {
  it('QR login: qr before initialize() resolves, then authenticated, ready, saved like RemoteAuth', async () => {
    const { factory, drivers } = createFakeDriverFactory();
    factory(options('alice'));
    const driver = drivers.get('alice') as FakeWhatsAppDriver;
    const seen = recordEvents(driver, ['qr', 'authenticated', 'ready', 'remote_session_saved']);

    await driver.initialize();
    expect(seen.map(([e]) => e)).toEqual(['qr']);
    expect(String(seen[0]?.[1][0])).toMatch(/^2@/);
    expect(await driver.getState()).toBe('UNPAIRED');
    await expect(driver.sendMessage(BOB_ID, 'too early')).rejects.toThrow('not ready');

    driver.emitQr('2@rotated');
    await driver.scanQr(ALICE, 'Alice');
    expect(seen.map(([e]) => e)).toEqual(['qr', 'qr', 'authenticated', 'ready', 'remote_session_saved']);
    expect(driver.ownId).toBe(ALICE_ID);
    expect(await driver.getState()).toBe('CONNECTED');
    expect(kv.data.has('session/RemoteAuth-alice')).toBe(true);
  });

  it('a restored session comes up ready without a QR', async () => {
    const first = await loggedIn('alice', ALICE);
    await first.destroy();

    const { factory, drivers } = createFakeDriverFactory();
    factory(options('alice'));
    const restored = drivers.get('alice') as FakeWhatsAppDriver;
    const seen = recordEvents(restored, ['qr', 'authenticated', 'ready']);
    const ready = restored.waitFor('ready');
    await restored.initialize();
    expect(seen).toEqual([]); // ready comes after initialize() resolves, like the library
    await ready;
    expect(seen.map(([e]) => e)).toEqual(['authenticated', 'ready']);
    expect(restored.ownId).toBe(ALICE_ID);
  });

  it('pairing code instead of QR', async () => {
    const { factory, drivers } = createFakeDriverFactory();
    factory(options('alice'));
    const driver = drivers.get('alice') as FakeWhatsAppDriver;
    const codes = recordEvents(driver, ['code']);
    await driver.initialize();
    const code = await driver.requestPairingCode(ALICE);
    expect(code).toMatch(/^[A-Z0-9]{8}$/);
    expect(codes).toEqual([['code', [code]]]);
    await driver.scanQr(ALICE);
    expect(driver.isReady).toBe(true);
  });

  it('LOGOUT from the phone deletes the stored session, so the next start asks for a QR', async () => {
    const driver = await loggedIn('alice', ALICE);
    const seen = recordEvents(driver, ['change_state', 'disconnected']);
    await driver.disconnect('LOGOUT');
    expect(seen).toEqual([['disconnected', ['LOGOUT']]]);
    expect(kv.data.has('session/RemoteAuth-alice')).toBe(false);

    const { factory, drivers } = createFakeDriverFactory();
    factory(options('alice'));
    const next = drivers.get('alice') as FakeWhatsAppDriver;
    const qr = next.waitFor('qr');
    await next.initialize();
    await qr;
  });

  it('a state disconnect reports change_state first', async () => {
    const driver = await loggedIn('alice', ALICE);
    const seen = recordEvents(driver, ['change_state', 'disconnected']);
    await driver.disconnect('CONFLICT');
    expect(seen).toEqual([
      ['change_state', ['CONFLICT']],
      ['disconnected', ['CONFLICT']],
    ]);
  });

  it('logout() removes the stored session and is recorded', async () => {
    const driver = await loggedIn('alice', ALICE);
    await driver.logout();
    expect(kv.data.size).toBe(0);
    expect(driver.calls.map((c) => c.method)).toEqual(['initialize', 'logout']);
  });
});

describe('messages', () => {
  it('incoming DM: message_create then message, shaped like whatsapp-web.js', async () => {
    const driver = await loggedIn('alice', ALICE);
    const seen = recordEvents(driver, ['message_create', 'message']);
    const msg = driver.incomingMessage({ from: BOB_ID, body: 'hi', notifyName: 'Bob' });

    expect(seen.map(([e]) => e)).toEqual(['message_create', 'message']);
    expect(msg.id._serialized).toMatch(new RegExp(`^false_${BOB_ID}_3EB0[0-9A-F]{16}$`));
    expect(msg).toMatchObject({
      from: BOB_ID,
      to: ALICE_ID,
      body: 'hi',
      type: 'chat',
      fromMe: false,
      hasMedia: false,
      hasQuotedMsg: false,
      _data: { notifyName: 'Bob' },
    });
    expect(msg.author).toBeUndefined();
    expect((await driver.getChatById(BOB_ID))?.unreadCount).toBe(1);
  });

  it('incoming group message carries the author and a participant-suffixed id', async () => {
    const driver = await loggedIn('alice', ALICE);
    const group = driver.addGroup({ subject: 'Team', participants: [ALICE_ID, BOB_ID], admins: [BOB_ID] });
    expect(group).toMatch(/^120363\d{12}@g\.us$/);
    expect(() => driver.incomingMessage({ from: group, body: 'no author' })).toThrow('author');

    const msg = driver.incomingMessage({
      from: group,
      author: BOB_ID,
      body: 'hello @Alice',
      mentionedIds: [ALICE_ID],
    });
    expect(msg.id._serialized).toBe(`false_${group}_${msg.id.id}_${BOB_ID}`);
    expect(msg.author).toBe(BOB_ID);
    expect(msg.mentionedIds).toEqual([ALICE_ID]);
    const chat = await driver.getChatById(group);
    expect(chat).toMatchObject({ name: 'Team', isGroup: true });
    expect(chat?.participants?.find((p) => p.id._serialized === BOB_ID)?.isAdmin).toBe(true);
  });

  it('media, replies and downloads', async () => {
    const driver = await loggedIn('alice', ALICE);
    const original = driver.incomingMessage({ from: BOB_ID, body: 'look' });
    const png = {
      mimetype: 'image/png',
      data: Buffer.from('fake png').toString('base64'),
      filename: 'a.png',
    };
    const photo = driver.incomingMessage({
      from: BOB_ID,
      body: 'caption',
      media: png,
      quoted: original.id._serialized,
    });

    expect(photo).toMatchObject({ type: 'image', hasMedia: true, hasQuotedMsg: true, body: 'caption' });
    expect(photo._data).toMatchObject({ mimetype: 'image/png', filename: 'a.png', size: 8 });
    expect(photo._data.quotedStanzaID).toBe(original.id.id);
    expect(await photo.downloadMedia()).toEqual(png);
    expect((await photo.getQuotedMessage())?.id._serialized).toBe(original.id._serialized);
    expect(await original.downloadMedia()).toBeUndefined();
  });

  it('own messages: phone writes are message_create only; sends echo back as message_create', async () => {
    const driver = await loggedIn('alice', ALICE);
    const seen = recordEvents(driver, ['message_create', 'message']);
    const fromPhone = driver.ownMessageFromPhone({ to: BOB_ID, body: 'from my phone' });
    expect(fromPhone.id._serialized).toBe(`true_${BOB_ID}_${fromPhone.id.id}`);
    expect(fromPhone).toMatchObject({ fromMe: true, from: ALICE_ID, to: BOB_ID });

    const sent = await driver.sendMessage(BOB_ID, 'from Matrix', { linkPreview: false });
    expect(seen.map(([e]) => e)).toEqual(['message_create', 'message_create']);
    const echo = seen[1]?.[1][0] as WAMessage;
    expect(echo.id._serialized).toBe(sent.id._serialized);
    expect(driver.calls.at(-1)).toEqual({
      method: 'sendMessage',
      args: [BOB_ID, 'from Matrix', { linkPreview: false }],
    });

    const voice = await driver.sendMessage(
      BOB_ID,
      { mimetype: 'audio/ogg; codecs=opus', data: 'AAAA' },
      { sendAudioAsVoice: true },
    );
    expect(voice.type).toBe('ptt');
  });

  it('edits, revokes, reactions and acks use the library events and arguments', async () => {
    const driver = await loggedIn('alice', ALICE);
    const seen = recordEvents(driver, [
      'message_edit',
      'message_revoke_everyone',
      'message_reaction',
      'message_ack',
    ]);
    const msg = driver.incomingMessage({ from: BOB_ID, body: 'tpyo' });

    driver.editMessage(msg.id._serialized, 'typo');
    const [, editArgs] = seen[0] ?? [];
    expect(editArgs?.slice(1)).toEqual(['typo', 'tpyo']);
    expect((editArgs?.[0] as WAMessage).body).toBe('typo');

    const reaction = driver.reactToMessage({
      messageId: msg.id._serialized,
      senderId: BOB_ID,
      reaction: '👍',
    });
    expect(reaction.msgId._serialized).toBe(msg.id._serialized);
    driver.reactToMessage({ messageId: msg.id._serialized, senderId: BOB_ID, reaction: '' }); // removal

    const mine = await driver.sendMessage(BOB_ID, 'x');
    driver.ack(mine.id._serialized, 3);

    driver.revokeMessage(msg.id._serialized);
    const [name, revokeArgs] = seen.at(-1) ?? [];
    expect(name).toBe('message_revoke_everyone');
    expect((revokeArgs?.[0] as WAMessage).type).toBe('revoked');
    expect((revokeArgs?.[0] as WAMessage).id._serialized).toBe(msg.id._serialized);
    expect((revokeArgs?.[1] as WAMessage).body).toBe('typo');
    expect(seen.map(([e]) => e)).toEqual([
      'message_edit',
      'message_reaction',
      'message_reaction',
      'message_ack',
      'message_revoke_everyone',
    ]);
    expect(seen[3]?.[1][1]).toBe(3);
  });

  it('records calls on returned message and chat objects', async () => {
    const driver = await loggedIn('alice', ALICE);
    const msg = driver.incomingMessage({ from: BOB_ID, body: 'hi' });
    await msg.react('❤️');
    expect(await msg.edit('not mine')).toBeNull();
    const chat = await driver.getChatById(BOB_ID);
    await chat?.sendStateTyping();
    await chat?.clearState();
    await chat?.sendSeen();
    expect((await chat?.fetchMessages({ limit: 10 }))?.map((m) => m.body)).toEqual(['hi']);
    expect(driver.calls.map((c) => c.method)).toEqual([
      'initialize',
      'message.react',
      'message.edit',
      'getChatById',
      'chat.sendStateTyping',
      'chat.clearState',
      'chat.sendSeen',
      'chat.fetchMessages',
    ]);
    expect((await driver.getChatById(BOB_ID))?.unreadCount).toBe(0);
  });
});

describe('groups and contacts', () => {
  it('routes group notifications to the events the library uses and updates the group', async () => {
    const driver = await loggedIn('alice', ALICE);
    const group = driver.addGroup({ subject: 'Old', participants: [ALICE_ID, BOB_ID] });
    const seen = recordEvents(driver, ['group_join', 'group_leave', 'group_update', 'group_admin_changed']);
    const carol = '3711111111@c.us';

    driver.groupUpdate({ chatId: group, type: 'subject', author: BOB_ID, body: 'New' });
    driver.groupUpdate({ chatId: group, type: 'add', author: BOB_ID, recipientIds: [carol] });
    driver.groupUpdate({ chatId: group, type: 'promote', author: BOB_ID, recipientIds: [carol] });
    driver.groupUpdate({ chatId: group, type: 'leave', author: BOB_ID, recipientIds: [BOB_ID] });

    expect(seen.map(([e]) => e)).toEqual([
      'group_update',
      'group_join',
      'group_admin_changed',
      'group_leave',
    ]);
    const chat = await driver.getChatById(group);
    expect(chat?.name).toBe('New');
    expect(chat?.participants?.map((p) => [p.id._serialized, p.isAdmin])).toEqual([
      [ALICE_ID, false],
      [carol, true],
    ]);
  });

  it('contacts, profile pictures and number lookup', async () => {
    const network = new FakeWhatsAppNetwork();
    network.registered.add('3700000000@c.us');
    const driver = await loggedIn('alice', ALICE, network);
    driver.addContact({
      id: BOB_ID,
      pushname: 'Bobby',
      name: 'Bob (work)',
      profilePicUrl: 'https://pps.example/b',
    });

    expect(await driver.getContactById(BOB_ID)).toMatchObject({
      id: { user: BOB, server: 'c.us', _serialized: BOB_ID },
      number: BOB,
      pushname: 'Bobby',
      name: 'Bob (work)',
      isMyContact: true,
      isMe: false,
    });
    expect((await driver.getContactById(ALICE_ID)).isMe).toBe(true);
    expect(await driver.getProfilePicUrl(BOB_ID)).toBe('https://pps.example/b');
    expect(await driver.getProfilePicUrl('3700000000@c.us')).toBeUndefined();
    expect((await driver.getNumberId('+37 000 000 00'))?._serialized).toBe('3700000000@c.us');
    expect(await driver.getNumberId('3799999999')).toBeNull();
  });
});

describe('FakeWhatsAppNetwork', () => {
  it('two logged-in users message, reply, react, edit and revoke across it', async () => {
    const network = new FakeWhatsAppNetwork();
    const alice = await loggedIn('alice', ALICE, network);
    const bob = await loggedIn('bob', BOB, network);
    const bobSeen = recordEvents(bob, [
      'message',
      'message_edit',
      'message_reaction',
      'message_revoke_everyone',
    ]);

    const sent = await alice.sendMessage(BOB_ID, 'hello Bob');
    const [, [received]] = (bobSeen[0] ?? ['', []]) as [string, [WAMessage]];
    expect(received).toMatchObject({ from: ALICE_ID, to: BOB_ID, body: 'hello Bob', fromMe: false });
    expect(received.id._serialized).toBe(`false_${ALICE_ID}_${sent.id.id}`);

    const aliceGot = alice.waitFor('message');
    await bob.sendMessage(ALICE_ID, 'hi!', { quotedMessageId: received.id._serialized });
    const [reply] = await aliceGot;
    expect((await reply.getQuotedMessage())?.id._serialized).toBe(sent.id._serialized);

    await sent.edit('hello, Bob');
    const reactionSeen = alice.waitFor('message_reaction');
    await received.react('🎉');
    const [reaction] = await reactionSeen;
    expect(reaction).toMatchObject({ senderId: BOB_ID, reaction: '🎉' });
    expect(reaction.msgId._serialized).toBe(sent.id._serialized);
    await sent.delete(true);

    // Bob's own reaction comes back to him too, as the library reports every reaction.
    expect(bobSeen.map(([e]) => e)).toEqual([
      'message',
      'message_edit',
      'message_reaction',
      'message_revoke_everyone',
    ]);
    expect((bobSeen[1]?.[1] ?? []).slice(1)).toEqual(['hello, Bob', 'hello Bob']);
  });

  it('delivers group messages to every other online member, media included', async () => {
    const network = new FakeWhatsAppNetwork();
    const group = network.createGroup('Friends', [ALICE, BOB]);
    const alice = await loggedIn('alice', ALICE, network);
    const bob = await loggedIn('bob', BOB, network);
    expect((await bob.getChatById(group))?.name).toBe('Friends');

    const got = bob.waitFor('message');
    const aliceEcho = recordEvents(alice, ['message']);
    await alice.sendMessage(group, { mimetype: 'image/jpeg', data: 'AAAA' }, { caption: 'pic' });
    const [msg] = await got;
    expect(msg).toMatchObject({ from: group, author: ALICE_ID, body: 'pic', type: 'image', hasMedia: true });
    expect(await msg.downloadMedia()).toEqual({ mimetype: 'image/jpeg', data: 'AAAA' });
    expect(aliceEcho).toEqual([]); // the sender gets no `message` for its own send
  });

  it('offline users do not receive, and a disconnected driver leaves the network', async () => {
    const network = new FakeWhatsAppNetwork();
    const alice = await loggedIn('alice', ALICE, network);
    const bob = await loggedIn('bob', BOB, network);
    const bobSeen = recordEvents(bob, ['message']);
    await bob.disconnect('LOGOUT');
    await alice.sendMessage(BOB_ID, 'anyone?');
    expect(bobSeen).toEqual([]);
  });
});
