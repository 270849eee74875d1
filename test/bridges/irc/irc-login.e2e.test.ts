/**
 * IRC accounts end to end, against Atheme linked to InspIRCd: `login irc` (SASL PLAIN) and
 * `login irc nickserv` (IDENTIFY) identify the user's puppet; a wrong password is reported at once;
 * the password is redacted in the room and stored encrypted.
 */
import { command, openManagementRoom } from '../../e2e/e2e-helpers';
import type { AthemeServices } from '../../harness/atheme';
import type { TestMatrixClient } from '../../harness/matrix-test-client';
import { alias, startIrcBed, type IrcBed } from './bridge-helpers';
import { Observer } from './helpers';

jest.setTimeout(180_000);

describe('IRC logins e2e', () => {
  let bed: IrcBed;
  let bob: Observer;
  let services: AthemeServices;

  beforeAll(async () => {
    bed = await startIrcBed({ services: true });
    services = bed.ircd.services as AthemeServices;
    bob = await Observer.connect(bed.ircd, 'bob');
  });
  afterAll(async () => {
    await bob?.close();
    await bed?.stop();
  });

  /** The account the server says `nick` is logged in as (WHOIS, RPL_WHOISACCOUNT 330). */
  async function accountOf(nick: string): Promise<string> {
    const before = bob.rawLines.length;
    bob.client.raw(`WHOIS ${nick}`);
    const line = await new Promise<string>((resolve, reject) => {
      const started = Date.now();
      const poll = setInterval(() => {
        const found = bob.rawLines.slice(before).find((l) => / (330|318) /.test(l));
        if (found || Date.now() - started > 10_000) {
          clearInterval(poll);
          if (found) resolve(found);
          else reject(new Error(`no WHOIS answer for ${nick}`));
        }
      }, 20);
    });
    return / 330 \S+ \S+ (\S+)/.exec(line)?.[1] ?? '';
  }

  async function login(
    user: TestMatrixClient,
    flow: string,
    account: string,
    password: string,
    expect: string | RegExp,
  ) {
    const bot = bed.h.bridge.botUserId;
    const mgmt = await openManagementRoom(user, bot);
    await command(user, mgmt, bot, `login irc ${flow}`, 'Account name?');
    await command(user, mgmt, bot, account, 'Password?');
    return { mgmt, answer: await command(user, mgmt, bot, password, expect) };
  }

  it('logs in with SASL: a wrong password is refused now, the right one identifies the puppet', async () => {
    await services.registerAccount('danaacct', 'right-pass-1');
    const dana = await bed.h.user('dana');
    await login(dana, 'sasl', 'danaacct', 'wrong-pass-1', /Login to IRC failed: .*SASL/);
    const { mgmt } = await login(
      dana,
      'sasl',
      'danaacct',
      'right-pass-1',
      'Logged in to IRC as danaacct on test',
    );
    expect(await accountOf('dana[m]')).toBe('danaacct');
    await command(dana, mgmt, bed.h.bridge.botUserId, 'logins', /IRC: danaacct on test — connected/);
    const raw = await bed.h.bridge.db.query<{ credentials: Uint8Array }>('SELECT credentials FROM login');
    for (const row of raw.rows)
      expect(Buffer.from(row.credentials).toString('latin1')).not.toContain('right-pass-1');

    // The stored account is used again when the puppet comes back after a bridge restart.
    const room = await dana.join(alias('#lobby'));
    await bed.h.restartBridge();
    await dana.sendMessage(room, { msgtype: 'm.text', body: 'identified again' });
    await bob.join('#lobby');
    await bob.waitFor((e) => e.type === 'join' && e.nick === 'dana[m]', 20_000).catch(() => undefined);
    expect(await accountOf('dana[m]')).toBe('danaacct');
  });

  it('logs in with NickServ IDENTIFY, and reports a refused password', async () => {
    await services.registerAccount('erinacct', 'right-pass-2');
    const erin = await bed.h.user('erin');
    await login(erin, 'nickserv', 'erinacct', 'wrong-pass-2', /Login to IRC failed: .*NickServ/);
    await login(erin, 'nickserv', 'erinacct', 'right-pass-2', 'Logged in to IRC as erinacct on test');
    expect(await accountOf('erin[m]')).toBe('erinacct');
  });
});
