import { contactSays } from '../support/example-contacts';
import type { TestMatrixClient } from '../harness/matrix-test-client';
import { startBridgeHarness, type BridgeHarness } from '../support/bridge-harness';
import { FlakyProxy } from '../support/flaky-proxy';
import { body, loginExample, openManagementRoom, startChat, waitForText } from './e2e-helpers';

jest.setTimeout(120_000);

/**
 * DESIGN §2: while the homeserver is down, remote events wait in order and nothing is lost.
 * The bridge reaches Synapse through a proxy that is taken down while a contact talks.
 */
describe('homeserver outage', () => {
  let h: BridgeHarness;
  let proxy: FlakyProxy;
  let dana: TestMatrixClient;
  afterAll(async () => {
    await proxy?.down();
    await h?.stop();
  });

  it('holds remote messages during the outage and delivers them in order afterwards', async () => {
    h = await startBridgeHarness({
      bridges: { example: { enabled: true, contacts: ['alice'], reply_delay_ms: 20 } },
      homeserverUrl: async (url) => {
        const u = new URL(url);
        proxy = new FlakyProxy({ host: u.hostname, port: Number(u.port) });
        await proxy.up();
        return proxy.url;
      },
    });
    const bot = h.bridge.botUserId;
    dana = await h.user('dana');
    const mgmt = await openManagementRoom(dana, bot);
    await loginExample(dana, mgmt, bot, 'dana');
    const portal = await startChat(dana, mgmt, bot, 'example alice');
    const loginId = (await h.bridge.store.logins.list({ userId: dana.userId }))[0]?.id as string;

    await proxy.down();
    for (const n of [1, 2, 3, 4, 5]) await contactSays(loginId, 'alice', `during outage ${n}`);
    expect((await h.bridge.store.outbox.pending()).length).toBeGreaterThanOrEqual(5);
    await new Promise((r) => setTimeout(r, 1500)); // a few failed delivery attempts
    await proxy.up();

    await waitForText(dana, portal, 'during outage 5', undefined, 60_000);
    const texts = (await dana.messages(portal, { limit: 30 }))
      .map(body)
      .filter((b) => b.startsWith('during outage'))
      .reverse();
    expect(texts).toEqual([1, 2, 3, 4, 5].map((n) => `during outage ${n}`));
    await h.bridge.idle();
    expect(await h.bridge.store.outbox.pending()).toEqual([]);
  });
});
