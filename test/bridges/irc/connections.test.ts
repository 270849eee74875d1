/**
 * Smoke test: 200 SafeClient connections to the local InspIRCd open, register and close. (The
 * 1,000-puppet memory bench lives in bench/.) Exercises the harness's clone and flood limits too.
 */
import type { SafeClient } from '../../../bridges/irc/safe-client';
import { startInspircd, type InspircdServer } from '../../harness/inspircd';
import { connectSafe, Observer, waitUntil } from './helpers';

const CONNECTIONS = 200;
let server: InspircdServer;

beforeAll(async () => {
  server = await startInspircd();
});

afterAll(async () => {
  await server?.stop();
});

test(`${CONNECTIONS} SafeClient connections open, join a channel and close`, async () => {
  const observer = await Observer.connect(server, 'headcount');
  await observer.join('#crowd');
  const clients: SafeClient[] = await Promise.all(
    Array.from({ length: CONNECTIONS }, (_, i) => connectSafe(server, `puppet${i}`)),
  );
  expect(new Set(clients.map((c) => c.nick)).size).toBe(CONNECTIONS);
  await Promise.all(clients.map((c) => c.join('#crowd')));
  await waitUntil(() => (count(observer, 'join') === CONNECTIONS ? true : undefined), 'every join');

  await Promise.all(clients.map((c) => c.quit('bye')));
  await waitUntil(() => (count(observer, 'quit') === CONNECTIONS ? true : undefined), 'every quit');
  expect(clients.every((c) => !c.isRegistered)).toBe(true);
  await observer.close();
}, 60_000);

function count(observer: Observer, type: 'join' | 'quit'): number {
  return observer.seen.filter((e) => e.type === type && e.nick.startsWith('puppet')).length;
}
