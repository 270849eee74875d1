/** SafeClient when the server goes away: backoff with jitter, rejoin, queued lines kept, giving up. */
import { IrcConnectError, type SafeClient } from '../../../bridges/irc/safe-client';
import { startInspircd, type InspircdServer } from '../../harness/inspircd';
import { connectSafe, uniqueNick, waitUntil } from './helpers';

let server: InspircdServer;
const reconnect = { minDelayMs: 200, maxDelayMs: 1000 };

beforeAll(async () => {
  server = await startInspircd();
});

afterAll(async () => {
  await server?.stop();
});

/** Records a SafeClient's lifecycle events and its own joins and echoed messages. */
function watch(client: SafeClient) {
  const log = {
    registered: 0,
    reconnecting: [] as { attempt: number; delayMs: number }[],
    joins: [] as string[],
    echoes: [] as string[],
    closed: undefined as { error?: Error } | undefined,
  };
  client.on('registered', () => (log.registered += 1));
  client.on('reconnecting', (e) => log.reconnecting.push(e));
  client.on('join', (e) => e.nick === client.nick && log.joins.push(e.channel));
  client.on('message', (e) => e.echo && log.echoes.push(`${e.target} ${e.text}`));
  client.on('close', (e) => (log.closed = e));
  return log;
}

test('after an InspIRCd restart it reconnects, rejoins its channels, then sends what was queued', async () => {
  const client = await connectSafe(server, uniqueNick('survivor'), {
    reconnect: { ...reconnect, maxAttempts: 50 },
  });
  const log = watch(client);
  await client.join('#keyed', 'sekrit');
  await client.join('#plain1');
  await client.join('#plain2');
  await waitUntil(() => (log.joins.length === 3 ? true : undefined), 'three joins');

  await server.restart();
  // Sent while the connection is down: must wait for the rejoin, not fail and not go first.
  const queued = client.say('#plain1', 'sent while down');

  await waitUntil(() => (log.registered === 1 ? true : undefined), 'a new registration', 20_000);
  await queued;
  await waitUntil(() => (log.echoes.length === 1 ? true : undefined), 'the queued message echoed');
  expect(log.joins.slice(3).sort()).toEqual(['#keyed', '#plain1', '#plain2']);
  // The echo proves the ordering: InspIRCd refuses messages to a +n channel from non-members.
  expect(log.echoes).toEqual(['#plain1 sent while down']);
  expect(log.reconnecting.length).toBeGreaterThanOrEqual(1);
  for (const { delayMs } of log.reconnecting) {
    expect(delayMs).toBeGreaterThanOrEqual(reconnect.minDelayMs);
    expect(delayMs).toBeLessThanOrEqual(reconnect.maxDelayMs);
  }
  expect(log.closed).toBeUndefined();
  await client.quit();
  expect(log.closed).toEqual({});
}, 40_000);

test('gives up after maxAttempts and reports it once, with the reason', async () => {
  const client = await connectSafe(server, uniqueNick('quitter'), {
    reconnect: { ...reconnect, maxAttempts: 2 },
  });
  const log = watch(client);
  await server.stop();
  await waitUntil(() => log.closed, 'the final close', 20_000);
  expect(log.reconnecting.map((r) => r.attempt)).toEqual([1, 2]);
  expect(log.closed?.error).toBeInstanceOf(IrcConnectError);
  expect(log.closed?.error?.message).toMatch(/gave up reconnecting after 2 attempts/);
  await expect(client.say('#plain1', 'too late')).rejects.toThrow(/not connected/);
}, 30_000);
