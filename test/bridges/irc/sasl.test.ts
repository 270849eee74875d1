/** Logging in against real services: Atheme linked to InspIRCd, SASL PLAIN and NickServ IDENTIFY. */
import { IrcConnectError, SafeClient } from '../../../bridges/irc/safe-client';
import type { AthemeServices } from '../../harness/atheme';
import { startInspircd, type InspircdServer } from '../../harness/inspircd';
import { connectSafe, uniqueNick, waitUntil } from './helpers';

let server: InspircdServer;
let services: AthemeServices;

beforeAll(async () => {
  server = await startInspircd({ withServices: true });
  services = server.services as AthemeServices;
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

/** The account InspIRCd attaches to our own JOIN (extended-join), i.e. who the server thinks we are. */
async function accountOnJoin(client: SafeClient, channel: string): Promise<string | undefined> {
  const joined = new Promise<string | undefined>((resolve) =>
    client.on('join', (e) => e.nick === client.nick && e.channel === channel && resolve(e.account)),
  );
  await client.join(channel);
  return joined;
}

test('SASL PLAIN with a registered account logs in during registration', async () => {
  const account = uniqueNick('saslacct');
  await services.registerAccount(account, 'correct-horse');
  const client = await connectSafe(
    server,
    uniqueNick('puppet'),
    {},
    { sasl: { account, password: 'correct-horse' } },
  );
  expect(await accountOnJoin(client, '#sasl')).toBe(account);
  await client.quit();
});

test('SASL PLAIN with a wrong password fails cleanly: a typed error, no reconnect loop', async () => {
  const account = uniqueNick('saslwrong');
  await services.registerAccount(account, 'correct-horse');
  const client = new SafeClient({ reconnect: { minDelayMs: 100, maxDelayMs: 200 } });
  const reconnecting: unknown[] = [];
  const closed: { error?: Error }[] = [];
  client.on('reconnecting', (e) => reconnecting.push(e));
  client.on('close', (e) => closed.push(e));
  const attempt = client.connect({
    host: server.host,
    port: server.port,
    nick: uniqueNick('puppet'),
    sasl: { account, password: 'battery-staple' },
  });
  await expect(attempt).rejects.toBeInstanceOf(IrcConnectError);
  await expect(attempt).rejects.toMatchObject({ code: 'sasl_failed' });
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(reconnecting).toEqual([]);
  expect(closed).toHaveLength(1);
  expect(client.isRegistered).toBe(false);
});

test('NickServ IDENTIFY through say(): right password identifies, wrong one is refused', async () => {
  const nick = uniqueNick('identuser');
  await services.registerAccount(nick, 'open-sesame');
  const client = await connectSafe(server, nick);
  const notices: string[] = [];
  client.on('notice', (e) => e.nick === 'NickServ' && notices.push(e.text));

  await client.say('NickServ', 'IDENTIFY wrong-password');
  await waitUntil(() => notices.find((n) => /invalid password/i.test(n)), 'the refusal');
  await client.say('NickServ', 'IDENTIFY open-sesame');
  await waitUntil(() => notices.find((n) => /you are now identified/i.test(n)), 'the identification');
  expect(await accountOnJoin(client, '#identified')).toBe(nick);
  await client.quit();
});

test('after an InspIRCd restart it logs in again, waiting out the time services need to relink', async () => {
  const account = uniqueNick('survivor');
  await services.registerAccount(account, 'still-me');
  const client = await connectSafe(
    server,
    uniqueNick('puppet'),
    { reconnect: { minDelayMs: 100, maxDelayMs: 500, maxAttempts: 100 } },
    { sasl: { account, password: 'still-me' } },
  );
  expect(await accountOnJoin(client, '#relogin')).toBe(account);
  const rejoined = new Promise<string | undefined>((resolve) =>
    client.on('join', (e) => e.nick === client.nick && resolve(e.account)),
  );
  // Atheme's own registry (its database) outlives the InspIRCd restart.
  await server.restart();
  expect(await rejoined).toBe(account);
  await client.quit();
}, 40_000);
