/** The WhatsApp login flows and the browser cap, on the fake driver with a stub context. */
import { ClientPool } from '../../../bridges/whatsapp/client';
import { ChromiumNotFoundError } from '../../../bridges/whatsapp/chromium';
import { whatsappLogin } from '../../../bridges/whatsapp/login';
import type { LoginStep } from '../../../src/sdk';
import { recordingFactory } from './helpers';
import { stubContext } from './stub-context';

const dana = { userId: '@dana:hs', displayName: 'Dana' };
const shown = (step: LoginStep) => (step.type === 'display_and_wait' ? step.display : step.type);

describe('QR login', () => {
  it('shows each new QR code once, then completes and hands the running client over', async () => {
    const ctx = stubContext();
    const rec = recordingFactory();
    const pool = new ClientPool(ctx, rec.factory);
    const login = whatsappLogin(ctx, pool, 'qr', dana);
    const first = await login.start();
    expect(shown(first)).toMatchObject({ kind: 'qr', data: expect.stringMatching(/^2@/) });
    const driver = await rec.driver(0);
    const next = login.wait?.();
    driver.emitQr((first as { display: { data: string } }).display.data); // the same code again: not re-shown
    driver.emitQr('2@second');
    expect(shown((await next) as LoginStep)).toEqual({ kind: 'qr', data: '2@second' });
    const done = login.wait?.();
    await driver.scanQr('3712345678', 'Dana');
    const step = (await done) as LoginStep;
    expect(step).toEqual({
      type: 'complete',
      login: {
        remoteId: '3712345678',
        remoteName: 'Dana (+3712345678)',
        credentials: { sessionId: driver.sessionId },
      },
    });
    expect(pool.takeHandedOff(driver.sessionId)?.driver).toBe(driver);
    const stored = ctx.kvData.get(`session/RemoteAuth-${driver.sessionId}`);
    expect(stored?.encrypted).toBe(true);
    expect(ctx.logged.join('\n')).not.toContain('fakeWhatsAppSession');
  });

  it('times out with a clear message and frees the browser', async () => {
    const ctx = stubContext({ login_timeout_seconds: 0.2 });
    const rec = recordingFactory();
    const pool = new ClientPool(ctx, rec.factory);
    const login = whatsappLogin(ctx, pool, 'qr', dana);
    await login.start();
    await expect(login.wait?.()).rejects.toThrow(
      /QR code was not scanned within 0.2 seconds.*login whatsapp/,
    );
    await login.cancel?.();
    expect((await rec.driver(0)).calls.map((c) => c.method)).toContain('destroy');
    expect(pool.size).toBe(0);
  });

  it('reports a refused login', async () => {
    const ctx = stubContext();
    const rec = recordingFactory();
    const login = whatsappLogin(ctx, new ClientPool(ctx, rec.factory), 'qr', dana);
    await login.start();
    const waiting = login.wait?.();
    (await rec.driver(0)).authFailure('bad session');
    await expect(waiting).rejects.toMatchObject({ code: 'bad_credentials' });
  });

  it('caps the number of browsers with limit_reached', async () => {
    const ctx = stubContext({ max_sessions: 1 });
    const pool = new ClientPool(ctx, recordingFactory().factory);
    await whatsappLogin(ctx, pool, 'qr', dana).start();
    await expect(whatsappLogin(ctx, pool, 'qr', dana).start()).rejects.toMatchObject({
      code: 'limit_reached',
      message: expect.stringContaining('at most 1 WhatsApp session'),
    });
  });

  it('turns a missing Chromium into a user-safe error and logs the cause', async () => {
    const ctx = stubContext();
    const pool = new ClientPool(ctx, () => {
      throw new ChromiumNotFoundError(['/usr/bin/chromium']);
    });
    await expect(whatsappLogin(ctx, pool, 'qr', dana).start()).rejects.toMatchObject({
      code: 'remote_unreachable',
    });
    expect(ctx.logged.join('\n')).toContain('Chromium not found');
  });

  it('forgets the stored session of an earlier login of the same account', async () => {
    const ctx = stubContext();
    ctx.kvData.set('session/RemoteAuth-wa-00000000aaaaaaaa', { value: Buffer.from('old'), encrypted: true });
    ctx.logins.push({
      id: 'l1',
      network: 'whatsapp',
      userId: dana.userId,
      remoteId: '3712345678',
      remoteName: '+3712345678',
      credentials: { sessionId: 'wa-00000000aaaaaaaa' },
      metadata: {},
    });
    const rec = recordingFactory();
    const login = whatsappLogin(ctx, new ClientPool(ctx, rec.factory), 'qr', dana);
    await login.start();
    const done = login.wait?.();
    await (await rec.driver(0)).scanQr('3712345678');
    expect(await done).toMatchObject({ type: 'complete' });
    expect(ctx.kvData.has('session/RemoteAuth-wa-00000000aaaaaaaa')).toBe(false);
  });
});

describe('pairing-code login', () => {
  it('asks for the number, shows the code WhatsApp gives, and completes', async () => {
    const ctx = stubContext();
    const rec = recordingFactory();
    const login = whatsappLogin(ctx, new ClientPool(ctx, rec.factory), 'phone', dana);
    const ask = await login.start();
    expect(ask).toMatchObject({ type: 'user_input', fields: [{ id: 'phone', type: 'phone' }] });
    await expect(login.submit?.({ phone: 'call me' })).rejects.toMatchObject({ code: 'invalid_input' });
    const code = (await login.submit?.({ phone: '+371 2345-6789' })) as LoginStep;
    expect(shown(code)).toEqual({ kind: 'code', data: 'FAKE6789' });
    const driver = await rec.driver(0);
    const done = login.wait?.();
    driver.emitQr('2@ignored-while-pairing');
    await driver.scanQr('37123456789');
    expect(await done).toMatchObject({ type: 'complete', login: { remoteId: '37123456789' } });
  });
});
