/**
 * Facts a module left out of its events (SDK 1.2): the login manager answers through a live
 * session, and the ghost manager asks once per process for a ghost met without a name.
 */
import { SecretBox } from '../../src/crypto/secret-box';
import { createLogger } from '../../src/logging/logger';
import { LoginManager } from '../../src/logins/login-manager';
import type { MatrixClient } from '../../src/matrix/client';
import type { MatrixMedia } from '../../src/matrix/media';
import type { NetworkNamespace } from '../../src/matrix/namespaces';
import type { NetworkRuntime } from '../../src/modules/runtime';
import type { RemoteDescriber } from '../../src/portals/describer';
import { GhostManager } from '../../src/portals/ghosts';
import type { LoginRecord } from '../../src/sdk/module';
import type { RemoteUserRef } from '../../src/sdk/ids';
import type { RemoteSession } from '../../src/sdk/session';
import { Store } from '../../src/store/store';
import { freshDatabase } from '../support/databases';

const log = createLogger({ level: 'error', format: 'json' } as never);
const user = { userId: '@dana:hs', displayName: 'Dana' };

describe('LoginManager as the describer', () => {
  /** Logins `a` (net `n`), `b` (net `n`) and `c` (net `other`), each session naming users after itself. */
  async function logins(failing = new Set<string>()) {
    let next = 0;
    const store = {
      logins: {
        upsert: async (l: Omit<LoginRecord, 'id'>) => ({ ...l, id: l.remoteId, state: 'connecting' }),
        setState: async () => undefined,
        get: async () => null,
        delete: async () => undefined,
      },
    } as unknown as Store;
    const asked: string[] = [];
    const session = (login: LoginRecord): RemoteSession => ({
      connect: async () => undefined,
      disconnect: async () => undefined,
      sendMessage: async () => ({ remoteId: String(next++) }),
      getUserInfo: async (u: RemoteUserRef) => {
        asked.push(login.id);
        if (failing.has(login.id)) throw new Error('network down');
        return { displayName: `${u.id} as seen by ${login.id}` };
      },
      getChatInfo: async () => ({ kind: 'group', name: `chat of ${login.id}` }),
    });
    const net = (id: string) =>
      ({ id, displayName: id, connector: { loadLogin: session } }) as unknown as NetworkRuntime;
    const networks = new Map([
      ['n', net('n')],
      ['other', net('other')],
    ]);
    const manager = new LoginManager(store, networks, async () => undefined, log);
    for (const [id, network] of [
      ['a', 'n'],
      ['b', 'n'],
      ['c', 'other'],
    ] as const)
      await manager.complete(networks.get(network) as NetworkRuntime, user, {
        remoteId: id,
        remoteName: id,
        credentials: 'x',
      });
    return { manager, asked };
  }

  it("asks the chat's own login first, else any live session of the same network", async () => {
    const { manager } = await logins();
    await expect(manager.describeUser('n', { id: 'alice' }, 'b')).resolves.toEqual({
      displayName: 'alice as seen by b',
    });
    await expect(manager.describeUser('n', { id: 'alice' })).resolves.toEqual({
      displayName: 'alice as seen by a',
    });
    await expect(manager.describeChat('other', { id: 'room' })).resolves.toMatchObject({
      name: 'chat of c',
    });
    await expect(manager.describeUser('none', { id: 'alice' })).resolves.toBeUndefined();
  });

  it('turns a failed lookup into no facts, and forgets the sessions of logged-out logins', async () => {
    const { manager, asked } = await logins(new Set(['a']));
    await expect(manager.describeUser('n', { id: 'alice' }, 'a')).resolves.toBeUndefined();
    await manager.logout('a');
    await expect(manager.describeUser('n', { id: 'alice' })).resolves.toEqual({
      displayName: 'alice as seen by b',
    });
    expect(asked).toEqual(['a', 'b']);
    await manager.stopAll();
    await expect(manager.describeUser('n', { id: 'alice' })).resolves.toBeUndefined();
  });
});

describe('GhostManager profile lookups', () => {
  const ns = { network: 'n', ghostUserId: (id: string) => `@n_${id}:hs` } as unknown as NetworkNamespace;
  let store: Store;
  let drop: () => Promise<void>;
  let names: Map<string, string>;
  let asked: string[];

  function ghosts(): GhostManager {
    const client = {
      registerGhost: async () => undefined,
      setDisplayName: async (u: string, name: string) => void names.set(u, name),
    } as unknown as MatrixClient;
    const describe: RemoteDescriber = {
      describeUser: async (_n, u, receiver) => {
        asked.push(`${u.id} via ${receiver ?? '-'}`);
        return u.id === 'ghost' ? {} : { displayName: `${u.id.toUpperCase()}` };
      },
      describeChat: async () => undefined,
    };
    return new GhostManager(store, client, {} as MatrixMedia, '@bot:hs', log, describe);
  }

  beforeEach(async () => {
    const fresh = await freshDatabase('pglite');
    store = new Store(fresh.db, new SecretBox(SecretBox.generateKey()));
    drop = fresh.drop;
    names = new Map();
    asked = [];
  });
  afterEach(() => drop());

  it('looks a nameless ghost up once, through the chat receiver, and never one that came with info', async () => {
    const g = ghosts();
    await g.ensure(ns, 'alice', undefined, 'login-1');
    await g.ensure(ns, 'alice', undefined, 'login-1');
    await g.ensure(ns, 'bob', { displayName: 'Bob' });
    await g.ensure(ns, 'bob');
    await g.ensure(ns, 'ghost'); // the session knows no name: asked once, not on every event
    await g.ensure(ns, 'ghost');
    expect(asked).toEqual(['alice via login-1', 'ghost via -']);
    expect(names).toEqual(
      new Map([
        ['@n_alice:hs', 'ALICE'],
        ['@n_bob:hs', 'Bob'],
      ]),
    );
  });

  it('does not ask again after a restart for a ghost whose name is stored', async () => {
    await ghosts().ensure(ns, 'alice');
    const restarted = ghosts();
    await restarted.ensure(ns, 'alice');
    await restarted.ensure(ns, 'carol');
    expect(asked).toEqual(['alice via -', 'carol via -']);
  });
});
