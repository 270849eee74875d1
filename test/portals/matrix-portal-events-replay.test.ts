import { SecretBox } from '../../src/crypto/secret-box';
import type { LoginManager } from '../../src/logins/login-manager';
import type { MatrixMedia } from '../../src/matrix/media';
import { MatrixPortalEvents } from '../../src/portals/matrix-portal-events';
import type { RemoteSession } from '../../src/sdk/session';
import { Store } from '../../src/store/store';
import { freshDatabase } from '../support/databases';
import { groupPortal, testNetwork } from './portal-fixtures';

/** DESIGN §2: an event replayed after a crash is not sent twice; a fresh one skips the lookup. */
describe('Matrix portal events: replays', () => {
  let store: Store;
  let drop: () => Promise<void>;
  const sent: string[] = [];
  const session: RemoteSession = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    sendMessage: async (_p, msg) => {
      sent.push(msg.eventId);
      return { remoteId: `r-${msg.eventId}` };
    },
  };
  const net = testNetwork();
  const portal = groupPortal('A', '!a:x.org');
  const sender = { userId: '@alice:x.org', displayName: 'Alice' };
  const ev = (id: string) => ({
    event_id: id,
    room_id: '!a:x.org',
    sender: sender.userId,
    type: 'm.room.message',
    content: { msgtype: 'm.text', body: id },
  });
  let events: MatrixPortalEvents;

  beforeAll(async () => {
    const fresh = await freshDatabase('pglite');
    store = new Store(fresh.db, new SecretBox(SecretBox.generateKey()));
    drop = fresh.drop;
    events = new MatrixPortalEvents({
      store,
      logins: { sessionFor: async () => session } as unknown as LoginManager,
      media: {} as MatrixMedia,
      maxFileBytes: 1000,
      ghostByUserId: async () => null,
    });
  });
  afterAll(() => drop());

  it('sends a replayed event only when it was not sent before the crash', async () => {
    await events.handle(net, portal, ev('$1'), sender, { replayed: false });
    expect(sent).toEqual(['$1']);
    expect((await store.messages.byEventId('$1'))?.remote_id).toBe('r-$1');
    await events.handle(net, portal, ev('$1'), sender, { replayed: true });
    await events.handle(net, portal, ev('$1'), sender); // callers that do not say are treated as replays
    await events.handle(net, portal, ev('$2'), sender, { replayed: true });
    expect(sent).toEqual(['$1', '$2']);
  });

  it('does not look the event up when it is fresh', async () => {
    const spy = jest.spyOn(store.messages, 'byEventId');
    await events.handle(net, portal, ev('$3'), sender, { replayed: false });
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
  });
});
