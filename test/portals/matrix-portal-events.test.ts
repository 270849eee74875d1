import { SecretBox } from '../../src/crypto/secret-box';
import type { LoginManager } from '../../src/logins/login-manager';
import type { MatrixMedia } from '../../src/matrix/media';
import { MatrixPortalEvents } from '../../src/portals/matrix-portal-events';
import type { BridgedMessageRef } from '../../src/sdk/ids';
import type { MatrixMessage } from '../../src/sdk/matrix-message';
import type { RemoteSession } from '../../src/sdk/session';
import { Store } from '../../src/store/store';
import { freshDatabase } from '../support/databases';
import { groupPortal, testNetwork } from './portal-fixtures';

/**
 * DESIGN §8: replies and edits resolve only inside the same room, edits and redactions only
 * for the author's own messages. These tests fail if the lookup ignores the room or sender.
 */
describe('Matrix portal events: relations stay in their room', () => {
  let store: Store;
  let drop: () => Promise<void>;
  const calls: { method: string; args: unknown[] }[] = [];
  const session: RemoteSession = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    sendMessage: async (_p, msg) => {
      calls.push({ method: 'send', args: [msg] });
      return { remoteId: `r-${msg.eventId}` };
    },
    editMessage: async (_p, target, msg) => void calls.push({ method: 'edit', args: [target, msg] }),
    redactMessage: async (_p, target) => void calls.push({ method: 'redact', args: [target] }),
  };
  const net = testNetwork();
  const portalA = groupPortal('A', '!a:x.org');
  const sender = { userId: '@mallory:x.org', displayName: 'Mallory' };
  const deps = (s: RemoteSession) => ({
    store,
    logins: { sessionFor: async () => s } as unknown as LoginManager,
    media: {} as MatrixMedia,
    maxFileBytes: 1000,
    ghostByUserId: async () => null,
  });
  let events: MatrixPortalEvents;

  beforeAll(async () => {
    const fresh = await freshDatabase('pglite');
    store = new Store(fresh.db, new SecretBox(SecretBox.generateKey()));
    drop = fresh.drop;
    events = new MatrixPortalEvents(deps(session));
    const row = {
      network: 'test',
      receiver: '',
      part: '',
      sender_remote: null,
      sender_mxid: '@alice:x.org',
      ts: 1,
    };
    // Alice's message in ANOTHER room (B), and one in room A.
    await store.messages.insert({ ...row, remote_id: 'secret-b', room_id: '!b:x.org', event_id: '$inB' });
    await store.messages.insert({ ...row, remote_id: 'alice-a', room_id: '!a:x.org', event_id: '$aliceA' });
  });
  afterAll(() => drop());

  const ev = (id: string, content: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    event_id: id,
    room_id: '!a:x.org',
    sender: sender.userId,
    type: 'm.room.message',
    content,
    ...extra,
  });
  const reply = (id: string, to: string) =>
    ev(id, { msgtype: 'm.text', body: 'hi', 'm.relates_to': { 'm.in_reply_to': { event_id: to } } });
  const edit = (id: string, target: string, text: string) =>
    ev(id, {
      msgtype: 'm.text',
      body: `* ${text}`,
      'm.new_content': { msgtype: 'm.text', body: text },
      'm.relates_to': { rel_type: 'm.replace', event_id: target },
    });
  const redaction = (id: string, target: string) => ev(id, {}, { type: 'm.room.redaction', redacts: target });

  it('does not resolve a reply to an event of another room', async () => {
    await events.handle(net, portalA, reply('$r1', '$inB'), sender);
    expect((calls.at(-1)?.args[0] as MatrixMessage).replyTo).toBeUndefined();
  });

  it('resolves a reply inside the same room', async () => {
    await events.handle(net, portalA, reply('$r2', '$aliceA'), sender);
    expect((calls.at(-1)?.args[0] as MatrixMessage).replyTo?.remoteId).toBe('alice-a');
  });

  it('ignores edits and redactions of messages by someone else or in another room', async () => {
    const before = calls.length;
    await events.handle(net, portalA, edit('$e1', '$aliceA', 'x'), sender);
    await events.handle(net, portalA, edit('$e2', '$inB', 'x'), sender);
    await events.handle(net, portalA, redaction('$red1', '$aliceA'), sender);
    await events.handle(net, portalA, redaction('$red2', '$inB'), sender);
    expect(calls.length).toBe(before);
  });

  it("passes the author's own edit and redaction on", async () => {
    await events.handle(net, portalA, ev('$own', { msgtype: 'm.text', body: 'mine' }), sender);
    await events.handle(net, portalA, edit('$ownEdit', '$own', 'fixed'), sender);
    await events.handle(net, portalA, redaction('$ownRed', '$own'), sender);
    const [e, r] = calls.slice(-2);
    expect(e?.method).toBe('edit');
    expect((e?.args[0] as BridgedMessageRef).remoteId).toBe('r-$own');
    expect((e?.args[1] as MatrixMessage).body).toBe('fixed');
    expect(r?.method).toBe('redact');
  });

  it('reports a missing capability instead of dropping silently', async () => {
    const bare: RemoteSession = {
      connect: session.connect,
      disconnect: session.disconnect,
      sendMessage: session.sendMessage,
    };
    const bareEvents = new MatrixPortalEvents(deps(bare));
    await bareEvents.handle(net, portalA, ev('$bare', { msgtype: 'm.text', body: 'x' }), sender);
    await expect(bareEvents.handle(net, portalA, edit('$bareEdit', '$bare', 'y'), sender)).rejects.toThrow(
      'Test does not support editing messages',
    );
  });
});
