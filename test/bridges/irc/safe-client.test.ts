/** SafeClient against a real InspIRCd 3, with a plain irc-framework client on the other side. */
import { SafeClient, type IrcTextEvent } from '../../../bridges/irc/safe-client';
import { startInspircd, type InspircdServer } from '../../harness/inspircd';
import { connectSafe, Observer, uniqueNick, waitUntil } from './helpers';

let server: InspircdServer;
const cleanup: (() => Promise<void>)[] = [];

beforeAll(async () => {
  server = await startInspircd();
});

afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

afterAll(async () => {
  await server?.stop();
});

async function safe(prefix: string, config?: Parameters<typeof connectSafe>[2]): Promise<SafeClient> {
  const client = await connectSafe(server, uniqueNick(prefix), config);
  cleanup.push(() => client.quit('test over'));
  return client;
}

async function observer(prefix: string): Promise<Observer> {
  const obs = await Observer.connect(server, uniqueNick(prefix));
  cleanup.push(() => obs.close());
  return obs;
}

/** Received PRIVMSG lines as they came off the wire, message tags removed. */
function wireLines(obs: Observer, fromNick: string): string[] {
  return obs.rawLines
    .map((line) => line.replace(/^@\S+ /, ''))
    .filter((line) => line.startsWith(`:${fromNick}!`) && / PRIVMSG /.test(line));
}

test('connects, joins, and talks both ways with a plain IRC client', async () => {
  const client = await safe('puppet');
  const obs = await observer('plain');
  const received: { type: string; event: IrcTextEvent }[] = [];
  for (const type of ['message', 'notice', 'action'] as const) {
    client.on(type, (event) => received.push({ type, event }));
  }
  const joined = new Promise<void>((resolve) =>
    client.on('join', (e) => e.nick === client.nick && e.channel === '#talk' && resolve()),
  );
  await client.join('#talk');
  await joined;
  await obs.join('#talk');

  await client.say('#talk', 'hello from Matrix');
  await client.notice('#talk', 'a notice');
  await client.action('#talk', 'waves');
  const nick = client.nick as string;
  await obs.waitFor((e) => e.type === 'action' && e.nick === nick);
  expect(obs.from(nick).map((e) => [e.type, e.text])).toEqual([
    ['privmsg', 'hello from Matrix'],
    ['notice', 'a notice'],
    ['action', 'waves'],
  ]);

  obs.client.say('#talk', 'hello from IRC');
  obs.client.action('#talk', 'nods');
  obs.client.say(nick, 'a private word');
  await waitUntil(() => (received.length >= 6 ? true : undefined), 'six messages');
  const fromObserver = received.filter((r) => !r.event.echo);
  expect(fromObserver.map((r) => [r.type, r.event.target, r.event.text])).toEqual([
    ['message', '#talk', 'hello from IRC'],
    ['action', '#talk', 'nods'],
    ['message', nick, 'a private word'],
  ]);
  // server-time is on for every line, and echo-message hands back our own lines, marked as such.
  expect(fromObserver.every((r) => r.event.time instanceof Date)).toBe(true);
  expect(received.filter((r) => r.event.echo).map((r) => r.event.text)).toEqual([
    'hello from Matrix',
    'a notice',
    'waves',
  ]);
});

test('splits a long multibyte message into PRIVMSGs that fit 512 bytes with the prefix', async () => {
  const client = await safe('longtalker');
  const obs = await observer('reader');
  await obs.join('#long');
  await client.join('#long');
  await obs.waitFor((e) => e.type === 'join' && e.nick === client.nick);

  const words = ['plain', 'café', 'naïve', '日本語のテキスト', '🎉🎊', '👩‍👩‍👧‍👦', 'Ελληνικά', 'ok'];
  const text =
    Array.from({ length: 160 }, (_, i) => words[i % words.length]).join(' ') + ' ' + '字'.repeat(400);
  await client.say('#long', text);
  const nick = client.nick as string;
  const expectedChars = text.replace(/\s/g, '');
  const got = await waitUntil(() => {
    const joined = obs.from(nick).filter((e) => e.type === 'privmsg');
    return joined
      .map((e) => e.text)
      .join('')
      .replace(/\s/g, '').length >= expectedChars.length
      ? joined
      : undefined;
  }, 'the whole long message');

  expect(got.length).toBeGreaterThan(3);
  // Nothing lost, nothing broken: a split inside a character would arrive as U+FFFD.
  expect(
    got
      .map((e) => e.text)
      .join('')
      .replace(/\s/g, ''),
  ).toBe(expectedChars);
  expect(got.some((e) => e.text.includes('\uFFFD'))).toBe(false);
  const wire = wireLines(obs, nick);
  expect(wire).toHaveLength(got.length);
  for (const line of wire) expect(Buffer.byteLength(line) + 2).toBeLessThanOrEqual(512);
  // Word boundaries are preferred: apart from the unbroken run of 字, no piece starts or ends mid-word.
  const wordPieces = got.filter((e) => !e.text.includes('字'));
  for (const piece of wordPieces) {
    expect(words).toContain(piece.text.split(' ').at(0));
    expect(words).toContain(piece.text.split(' ').at(-1));
  }
});

test('the send queue spaces lines at the configured rate, in order', async () => {
  const client = await safe('flooder', { flood: { burst: 2, linesPerSecond: 5, maxQueued: 50 } });
  const obs = await observer('counter');
  const nick = client.nick as string;
  const started = Date.now();
  const sends = Array.from({ length: 12 }, (_, i) => client.say(obs.client.user.nick, `line ${i}`));
  await Promise.all(sends);
  const elapsed = Date.now() - started;
  const got = await waitUntil(() => {
    const lines = obs.from(nick).filter((e) => e.type === 'privmsg');
    return lines.length === 12 ? lines : undefined;
  }, 'twelve lines');
  expect(got.map((e) => e.text)).toEqual(Array.from({ length: 12 }, (_, i) => `line ${i}`));
  // 2 at once, then 10 at 5/s: about 2 s. Only a loose lower bound, to stay clear of timing flakiness.
  expect(elapsed).toBeGreaterThanOrEqual(1500);
});

test('a full send queue refuses the whole message with a clear error', async () => {
  const client = await safe('overflow', { flood: { burst: 1, linesPerSecond: 5, maxQueued: 3 } });
  const target = client.nick as string;
  // 'one' leaves at once; 'two' and 'three' wait.
  const first = client.say(target, 'one\ntwo\nthree');
  await expect(client.say(target, 'four\nfive')).rejects.toThrow(
    /send queue full: 2 lines pending, 2 more refused \(limit 3\)/,
  );
  await first;
});

test("the server's ERROR answering our QUIT is no ircError", async () => {
  const client = await safe('leaver');
  const errors: unknown[] = [];
  client.on('ircError', (e) => errors.push(e));
  await client.quit('done here');
  expect(errors).toEqual([]);
});
