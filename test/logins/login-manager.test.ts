import { LoginManager } from '../../src/logins/login-manager';
import type { NetworkRuntime } from '../../src/modules/runtime';
import { BridgeError } from '../../src/sdk/errors';
import type { LoginRecord } from '../../src/sdk/module';
import type { RemoteSession } from '../../src/sdk/session';
import type { Store } from '../../src/store/store';

const quiet = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };
const user = { userId: '@dana:example.org', displayName: 'Dana' };

/** A LoginManager over an in-memory login table, with a module whose `connect` the test supplies. */
function manager(connect: (report: (state: string) => void) => Promise<void>) {
  const states: string[] = [];
  const store = {
    logins: {
      upsert: async (l: Omit<LoginRecord, 'id'>) => ({ ...l, id: 'login-1', state: 'connecting' }),
      setState: async (_id: string, state: string) => void states.push(state),
      get: async () => ({ id: 'login-1', userId: user.userId, network: 'fake', remoteId: 'dana' }),
    },
  } as unknown as Store;
  const session: RemoteSession = {
    // `manager` exists by the time the core calls connect.
    connect: () => connect((state) => void manager.setState('login-1', { state } as never)),
    disconnect: async () => undefined,
    sendMessage: async () => ({ remoteId: 'x' }),
  };
  const net = { id: 'fake', displayName: 'Fake', connector: { loadLogin: () => session } };
  const networks = new Map([['fake', net as unknown as NetworkRuntime]]);
  const manager = new LoginManager(store, networks, async () => undefined, quiet);
  const login = () =>
    manager.complete(networks.get('fake') as NetworkRuntime, user, {
      remoteId: 'dana',
      remoteName: 'dana',
      credentials: 'c',
    });
  const settled = async () => {
    await login();
    await manager.stopAll(); // waits for every queued state write
    return states;
  };
  return { settled };
}

describe('LoginManager bridge state around connect', () => {
  it('reports connecting, then connected when connect resolves and the module said nothing', async () => {
    await expect(manager(async () => undefined).settled()).resolves.toEqual(['connecting', 'connected']);
  });

  it('keeps the states a module reported itself (connected only later, after a QR scan)', async () => {
    const { settled } = manager(async (report) => report('transient_disconnect'));
    await expect(settled()).resolves.toEqual(['connecting', 'transient_disconnect']);
  });

  it('turns a thrown bad_credentials into that state, anything else into unknown_error', async () => {
    const bad = manager(async () => Promise.reject(new BridgeError('bad_credentials', 'token refused')));
    await expect(bad.settled()).resolves.toEqual(['connecting', 'bad_credentials']);
    const broken = manager(async () => Promise.reject(new Error('socket closed')));
    await expect(broken.settled()).resolves.toEqual(['connecting', 'unknown_error']);
  });
});
