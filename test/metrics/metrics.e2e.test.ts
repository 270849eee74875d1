import { body, command, openManagementRoom, waitForText } from '../e2e/e2e-helpers';
import type { TestMatrixClient } from '../harness/matrix-test-client';
import { startBridgeHarness, type BridgeHarness } from '../support/bridge-harness';
import { freePort } from '../support/free-port';
import { parsePrometheus, valueOf, type Sample } from './prom-text';

jest.setTimeout(120_000);

/**
 * Metrics after a real conversation: a user logs in to the example network, starts a chat and
 * talks both ways; a second user's message in that chat fails (it is not their login). The
 * metrics port then shows the counts, the queues, the sessions and the homeserver latency.
 */
describe('metrics on their own port after an e2e conversation', () => {
  let h: BridgeHarness;
  let dana: TestMatrixClient;
  let erin: TestMatrixClient;
  let base: string;

  const scrape = async (): Promise<Sample[]> => {
    const res = await fetch(`${base}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    return parsePrometheus(await res.text());
  };

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    h = await startBridgeHarness({
      bridges: { example: { enabled: true, contacts: ['alice', 'bob'], reply_delay_ms: 50 } },
      extraConfig: { metrics: { enabled: true, bind: '127.0.0.1', port } },
    });
    [dana, erin] = await Promise.all([h.user('dana'), h.user('erin')]);
  });
  afterAll(() => h?.stop());

  it('counts a conversation: transactions, events both ways, failures by reason, sessions', async () => {
    const bot = h.bridge.botUserId;
    const mgmt = await openManagementRoom(dana, bot);
    await command(dana, mgmt, bot, 'login example', 'Username?');
    await command(dana, mgmt, bot, 'dana', 'Token');
    await command(dana, mgmt, bot, 'ex-metrics', 'Logged in to Example as dana');
    const ready = await command(dana, mgmt, bot, 'start-chat example alice', 'Chat ready');
    const portal = (await dana.waitForInvite((i) => body(ready).includes(i.roomId))).roomId;
    await dana.join(portal);
    for (const text of ['one', 'two', 'three']) {
      await dana.sendMessage(portal, { msgtype: 'm.text', body: text });
      await waitForText(dana, portal, `echo: ${text}`, '@example_alice:switchboard.test');
    }
    // Erin is in the chat but it belongs to Dana's login: that send fails, with a reason.
    await dana.invite(portal, erin.userId);
    await erin.join(portal);
    await erin.sendMessage(portal, { msgtype: 'm.text', body: 'let me in' });
    await waitForText(dana, portal, 'Not delivered to Example', bot);
    await h.bridge.idle();

    const m = await scrape();
    expect(valueOf(m, 'switchboard_transactions_received_total')).toBeGreaterThan(0);
    expect(valueOf(m, 'switchboard_transactions_processed_total')).toBeGreaterThan(0);
    expect(valueOf(m, 'switchboard_matrix_events_received_total')).toBeGreaterThanOrEqual(10);
    expect(valueOf(m, 'switchboard_matrix_events_handled_total', { outcome: 'done' })).toBeGreaterThanOrEqual(
      10,
    );
    const out = { direction: 'matrix_to_remote', network: 'example' };
    const into = { direction: 'remote_to_matrix', network: 'example' };
    expect(valueOf(m, 'switchboard_bridged_events_total', out)).toBeGreaterThanOrEqual(3);
    // Each echo, plus read markers and the contacts' info: at least the three answers.
    expect(valueOf(m, 'switchboard_bridged_events_total', into)).toBeGreaterThanOrEqual(3);
    expect(valueOf(m, 'switchboard_send_failures_total', { ...out, reason: 'permission_denied' })).toBe(1);
    expect(valueOf(m, 'switchboard_connected_sessions', { network: 'example' })).toBe(1);
    expect(valueOf(m, 'switchboard_logins', { network: 'example', state: 'connected' })).toBe(1);
    expect(valueOf(m, 'switchboard_queue_depth', { queue: 'matrix' })).toBe(0);
    expect(valueOf(m, 'switchboard_queue_oldest_age_seconds', { queue: 'outbox' })).toBe(0);
    expect(
      valueOf(m, 'switchboard_homeserver_request_duration_seconds_count', { method: 'PUT', status: '200' }),
    ).toBeGreaterThanOrEqual(3);
    expect(valueOf(m, 'switchboard_process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('serves /health and /ready (database and homeserver ping) on the metrics port', async () => {
    expect(await (await fetch(`${base}/health`)).json()).toEqual({ ok: true });
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: { database: 'ok', homeserver: 'ok' } });
    const other = await fetch(`${base}/_matrix/app/v1/ping`, { method: 'POST' });
    expect(other.status).toBe(404);
  });
});
