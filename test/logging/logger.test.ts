import { createLogger, nullLogger } from '../../src/logging/logger';
import { AS_TOKEN, ENCRYPTION_KEY, HS_TOKEN } from '../config/fixture';
import { captureStream } from './capture';

const PASSWORD = 'hunter2-correct-horse';
const SESSION = Buffer.from('{"WABrowserId":"secret-browser-id","WASecretBundle":"bundle-xyz"}');
const COOKIE = 'sid=cookie-value-123';
const SECRETS = [
  AS_TOKEN,
  HS_TOKEN,
  ENCRYPTION_KEY,
  PASSWORD,
  'secret-browser-id',
  'bundle-xyz',
  'cookie-value-123',
];

describe('createLogger', () => {
  it('writes JSON lines with level, message, timestamp and metadata', async () => {
    const stream = captureStream();
    const log = createLogger({ level: 'info', format: 'json' }, { stream, meta: { service: 'switchboard' } });
    log.debug('hidden at info level');
    log.info('started', { port: 29300 });
    log
      .child({ network: 'irc' })
      .child({ login: 'l1' })
      .warn('reconnecting', { attempt: 2, level: 'spoofed' });
    const lines = (await stream.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      level: 'info',
      message: 'started',
      port: 29300,
      service: 'switchboard',
    });
    expect(typeof lines[0]?.timestamp).toBe('string');
    expect(lines[1]).toMatchObject({
      level: 'warn',
      message: 'reconnecting',
      network: 'irc',
      login: 'l1',
      attempt: 2,
    });
  });

  it('never writes tokens, passwords, keys or session blobs', async () => {
    for (const format of ['json', 'pretty'] as const) {
      const stream = captureStream(format === 'pretty');
      const log = createLogger({ level: 'debug', format }, { stream });
      const child = log.child({ hs_token: HS_TOKEN, requestId: 'r1' });
      child.debug('config loaded', {
        appservice: { as_token: AS_TOKEN, hs_token: HS_TOKEN },
        encryption_key: ENCRYPTION_KEY,
      });
      log.info(`PUT /_matrix/app/v1/transactions/1?access_token=${HS_TOKEN}`);
      log.info('calling homeserver', { headers: { Authorization: `Bearer ${AS_TOKEN}`, Cookie: COOKIE } });
      log.warn('login failed', { network: 'irc', sasl: { account: 'alice', password: PASSWORD } });
      log.error('request body', { body: JSON.stringify({ user: 'alice', password: PASSWORD }) });
      log.info('session saved', { session: SESSION.toString(), data: SESSION, loginId: 'l1' });
      log.error('crashed', {
        err: new Error(`bad token Bearer ${AS_TOKEN}`),
        list: [{ accessToken: AS_TOKEN }],
      });
      const out = await stream.text();
      for (const secret of SECRETS)
        expect([format, secret, out.includes(secret)]).toEqual([format, secret, false]);
      expect(out).toContain('<redacted>');
      expect(out).toContain('alice');
      expect(out).toContain('requestId');
      expect(out).toContain(`<${SESSION.length} bytes>`);
      expect(out).toContain('transactions/1?access_token=<redacted>');
    }
  });

  it('writes readable lines in the pretty format, coloured only for a terminal', async () => {
    const plain = captureStream(false);
    createLogger({ level: 'info', format: 'pretty' }, { stream: plain }).info('bridge ready', {
      rooms: 3,
      name: 'a b',
    });
    expect(await plain.text()).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}bridge ready rooms=3 name="a b"\n$/);
    const tty = captureStream(true);
    createLogger({ level: 'info', format: 'pretty' }, { stream: tty }).error('oops');
    expect(await tty.text()).toContain('\u001b[');
  });

  it('has a silent logger for tests', () => {
    expect(() => nullLogger.child({ a: 1 }).error('x')).not.toThrow();
  });
});
