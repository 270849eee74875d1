import type { TestMatrixClient } from '../harness/matrix-test-client';
import { body, command, openManagementRoom } from '../e2e/e2e-helpers';
import { openIdToken, type NetworkJson, type SessionJson } from './api-client';
import { expectCovered, PREFIX, SECRET, startApiFixture, type ApiFixture } from './api-fixture';

jest.setTimeout(120_000);

/**
 * Provisioning API, part 1: signing in (OpenID checked with the real homeserver, the `web`
 * command's one-time link), the shared secret, networks, the mount on the bridge's port, and
 * rate limits. Every answer is checked against docs/openapi.yaml.
 */
describe('provisioning API: sign-in, networks and limits (contract: docs/openapi.yaml)', () => {
  let f: ApiFixture;
  let dana: TestMatrixClient;
  let rita: TestMatrixClient;
  let bea: TestMatrixClient;
  let danaToken: string;

  beforeAll(async () => {
    f = await startApiFixture();
    [dana, rita, bea] = await Promise.all([f.h.user('dana'), f.h.user('rita'), f.h.user('bea')]);
  });
  afterAll(() => f?.stop());

  it('POST /v1/auth/openid: the user id comes from the homeserver, never from the request', async () => {
    const res = await f.api.call<SessionJson>('POST', '/v1/auth/openid', {
      body: { access_token: await openIdToken(dana), user_id: '@ada:switchboard.test' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ user_id: dana.userId, level: 'user' });
    expect(res.body.token).toMatch(/^sbp_/);
    danaToken = res.body.token;
    const me = await f.api.call('GET', '/v1/whoami', { token: danaToken });
    expect(me.body).toEqual({ user_id: dana.userId, level: 'user', via: 'session' });
  });

  it('POST /v1/auth/openid: refuses forged tokens, other servers, blocked users and bad bodies', async () => {
    const forged = await f.api.call('POST', '/v1/auth/openid', { body: { access_token: 'forged-token' } });
    expect(forged.status).toBe(401);
    expect(forged.body.errcode).toBe('M_UNKNOWN_TOKEN');
    const token = await openIdToken(rita);
    const elsewhere = await f.api.call('POST', '/v1/auth/openid', {
      body: { access_token: token, matrix_server_name: 'evil.example' },
    });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.error).toContain('only accounts on switchboard.test');
    const missing = await f.api.call('POST', '/v1/auth/openid', { body: {} });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ errcode: 'M_MISSING_PARAM', error: '`access_token` is required' });
    const notJson = await f.api.call('POST', '/v1/auth/openid', { raw: '{"access_token": ' });
    expect(notJson.status).toBe(400);
    expect(notJson.body.errcode).toBe('M_NOT_JSON');
    const blocked = await f.api.call('POST', '/v1/auth/openid', {
      body: { access_token: await openIdToken(bea) },
    });
    expect(blocked.status).toBe(403);
    expect(blocked.body.error).toContain('not allowed');
  });

  it('POST /v1/auth/link: the link the bot sends for `web` signs in once', async () => {
    const mgmt = await openManagementRoom(dana, f.h.bridge.botUserId);
    const reply = body(await command(dana, mgmt, f.h.bridge.botUserId, 'web', 'web page'));
    const link = /(http\S+)/.exec(reply)?.[1] ?? '';
    expect(link.startsWith(`${f.h.config.appservice.address}${PREFIX}/#code=`)).toBe(true);
    const code = new URLSearchParams(new URL(link).hash.slice(1)).get('code') ?? '';
    const first = await f.api.call<SessionJson>('POST', '/v1/auth/link', { body: { code } });
    expect(first.status).toBe(200);
    expect(first.body.user_id).toBe(dana.userId);
    const again = await f.api.call('POST', '/v1/auth/link', { body: { code } });
    expect(again.status).toBe(401);
    expect(again.body.error).toContain('send `web`');
    const missing = await f.api.call('POST', '/v1/auth/link', { body: { code: 42 } });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toBe('`code` must be a non-empty string');
  });

  it('GET /v1/whoami: the shared secret is an admin acting for `user_id`; bad tokens are 401', async () => {
    const admin = await f.api.call('GET', '/v1/whoami', { token: SECRET });
    expect(admin.body).toEqual({ user_id: null, level: 'admin', via: 'shared_secret' });
    const asDana = await f.api.call('GET', `/v1/whoami?user_id=${encodeURIComponent(dana.userId)}`, {
      token: SECRET,
    });
    expect(asDana.body.user_id).toBe(dana.userId);
    const badUser = await f.api.call('GET', '/v1/whoami?user_id=dana', { token: SECRET });
    expect(badUser.status).toBe(400);
    expect(badUser.body.error).toContain('`user_id` must be a Matrix user id');
    const none = await f.api.call('GET', '/v1/whoami');
    expect(none.status).toBe(401);
    expect(none.body.errcode).toBe('M_MISSING_TOKEN');
    for (const wrong of ['wrong', `${SECRET}x`, 'sbp_made-up']) {
      const res = await f.api.call('GET', '/v1/whoami', { token: wrong });
      expect(res.status).toBe(401);
      expect(res.body.errcode).toBe('M_UNKNOWN_TOKEN');
    }
  });

  it('DELETE /v1/auth/session signs out; the token stops working', async () => {
    const token = await f.signIn(dana);
    expect((await f.api.call('DELETE', '/v1/auth/session', { token })).status).toBe(204);
    expect((await f.api.call('GET', '/v1/whoami', { token })).status).toBe(401);
    expect((await f.api.call('DELETE', '/v1/auth/session', { token })).status).toBe(401);
    const secret = await f.api.call('DELETE', '/v1/auth/session', { token: SECRET });
    expect(secret.status).toBe(400);
    expect(secret.body.error).toBe('only session tokens can sign out');
  });

  it('GET /v1/networks lists each network with its login flows (relay users may look)', async () => {
    const ritaToken = await f.signIn(rita);
    const res = await f.api.call<{ networks: NetworkJson[] }>('GET', '/v1/networks', { token: ritaToken });
    expect(res.status).toBe(200);
    expect(res.body.networks).toEqual([
      expect.objectContaining({
        id: 'example',
        display_name: 'Example',
        login_flows: [expect.objectContaining({ id: 'qr' })],
      }),
    ]);
    expect((await f.api.call('GET', '/v1/networks', { token: 'nope' })).status).toBe(401);
  });

  it('is mounted on the appservice port under provisioning.prefix, with the page next to it', async () => {
    const res = await f.mounted.call('GET', '/v1/networks', { token: danaToken });
    expect(res.status).toBe(200);
    const unknown = await f.mounted.call('GET', '/v1/nope', { token: danaToken });
    expect(unknown.status).toBe(404);
    expect(unknown.body.errcode).toBe('M_UNRECOGNIZED');
    const bare = await fetch(f.mounted.base, { redirect: 'manual' });
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe(`${PREFIX}/`);
    const page = await fetch(`${f.mounted.base}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<h1>Switchboard bridge</h1>');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const health = await fetch(`http://127.0.0.1:${f.h.bridge.port}/ready`);
    expect(await health.json()).toEqual({ ready: true, checks: { database: 'ok', homeserver: 'ok' } });
  });

  it('rate limits failed authentications per address and requests per caller (429 with Retry-After)', async () => {
    const strict = await f.instance({ authAttemptsPerMinute: 2, requestsPerMinute: 1_000 });
    expect((await strict.call('GET', '/v1/whoami', { token: 'guess-1' })).status).toBe(401);
    expect((await strict.call('GET', '/v1/whoami', { token: 'guess-2' })).status).toBe(401);
    const blocked = await strict.call('GET', '/v1/whoami', { token: SECRET });
    expect(blocked.status).toBe(429);
    expect(blocked.body.errcode).toBe('M_LIMIT_EXCEEDED');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    const busy = await f.instance({ authAttemptsPerMinute: 1_000, requestsPerMinute: 3 });
    for (let i = 0; i < 3; i++)
      expect((await busy.call('GET', '/v1/whoami', { token: danaToken })).status).toBe(200);
    const over = await busy.call('GET', '/v1/whoami', { token: danaToken });
    expect(over.status).toBe(429);
    expect(over.body.retry_after_ms).toBeGreaterThan(0);
    // Another user has a bucket of their own.
    expect((await busy.call('GET', '/v1/whoami', { token: SECRET })).status).toBe(200);
  });

  it('exercised every sign-in and network operation with success, auth failure and bad input', () => {
    expectCovered(
      f.contract,
      [
        'POST /v1/auth/openid',
        'POST /v1/auth/link',
        'DELETE /v1/auth/session',
        'GET /v1/whoami',
        'GET /v1/networks',
      ],
      ['GET /v1/networks'],
    );
  });
});
