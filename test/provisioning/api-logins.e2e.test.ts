import { command, openManagementRoom } from '../e2e/e2e-helpers';
import type { TestMatrixClient } from '../harness/matrix-test-client';
import type { AttemptJson, LoginJson, PortalJson } from './api-client';
import { expectCovered, SECRET, startApiFixture, type ApiFixture } from './api-fixture';

jest.setTimeout(120_000);

const enc = encodeURIComponent;

/**
 * Provisioning API, part 2: a login walked through the example network's steps (the same
 * `LoginSessions` the management room drives, QR code included), logins with bridge state,
 * chats, portals linked and unlinked, logout. Every answer is checked against docs/openapi.yaml.
 */
describe('provisioning API: logins and portals (contract: docs/openapi.yaml)', () => {
  let f: ApiFixture;
  let dana: TestMatrixClient;
  let ada: TestMatrixClient;
  let rita: TestMatrixClient;
  const t = { dana: '', ada: '', rita: '' };
  let attempt: AttemptJson;
  let loginId: string;
  let dmRoom: string;
  let linkedRoom: string;

  beforeAll(async () => {
    f = await startApiFixture();
    [dana, ada, rita] = await Promise.all([f.h.user('dana'), f.h.user('ada'), f.h.user('rita')]);
    [t.dana, t.ada, t.rita] = await Promise.all([f.signIn(dana), f.signIn(ada), f.signIn(rita)]);
  });
  afterAll(() => f?.stop());

  it('POST /v1/login-processes starts the network login at its first step', async () => {
    const res = await f.api.call<AttemptJson>('POST', '/v1/login-processes', {
      token: t.dana,
      body: { network: 'example' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'input', user_id: dana.userId, step: { type: 'user_input' } });
    expect(res.body.step?.fields?.map((x) => [x.id, x.type])).toEqual([
      ['username', 'text'],
      ['token', 'password'],
    ]);
    attempt = res.body;
    const cases: [string, object, number, string][] = [
      [
        t.rita,
        { network: 'example' },
        403,
        'this needs permission level "user"; @rita:switchboard.test has "relay"',
      ],
      [t.dana, {}, 400, '`network` is required'],
      [t.dana, { network: 'nowhere' }, 404, 'no network "nowhere"; enabled: example'],
      [
        t.dana,
        { network: 'example', flow: 'carrier-pigeon' },
        400,
        'Unknown login flow. Example offers: qr (A token, then a QR code)',
      ],
      [
        SECRET,
        { network: 'example' },
        400,
        'with the shared secret, name the user with the `user_id` query parameter',
      ],
    ];
    for (const [token, b, status, error] of cases) {
      const bad = await f.api.call('POST', '/v1/login-processes', { token, body: b });
      expect([bad.status, bad.body.error]).toEqual([status, error]);
    }
    expect((await f.api.call('POST', '/v1/login-processes', { body: { network: 'example' } })).status).toBe(
      401,
    );
  });

  it('POST /v1/login-processes/{id}/submit checks each field, then shows the QR code', async () => {
    const path = `/v1/login-processes/${attempt.id}/submit`;
    const badName = await f.api.call(`POST`, path, {
      token: t.dana,
      body: { values: { username: 'D!', token: 'ex-abcd' } },
    });
    expect(badName.status).toBe(400);
    expect(badName.body.error).toBe('That does not look like a valid Username (field "username")');
    const noToken = await f.api.call('POST', path, { token: t.dana, body: { values: { username: 'dana' } } });
    expect(noToken.body.error).toBe('Token (ex-…) is required (field "token")');
    const notMap = await f.api.call('POST', path, { token: t.dana, body: { values: 'dana' } });
    expect([notMap.status, notMap.body.errcode]).toEqual([400, 'M_INVALID_PARAM']);
    // Someone else's login attempt is as invisible as a missing one.
    expect((await f.api.call('POST', path, { token: t.ada, body: { values: {} } })).status).toBe(404);
    expect((await f.api.call('POST', path, { body: { values: {} } })).status).toBe(401);
    const ok = await f.api.call<AttemptJson>('POST', path, {
      token: t.dana,
      body: { values: { username: 'dana', token: 'ex-secrettoken' } },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.step).toMatchObject({
      type: 'display_and_wait',
      display: { kind: 'qr', data: 'example:login:dana' },
    });
    expect(ok.body.step?.display?.image).toMatch(/^data:image\/png;base64,iVBOR/);
    attempt = ok.body;
  });

  it('GET /v1/login-processes/{id}?since= waits for the scan and returns the stored login', async () => {
    const res = await f.api.call<AttemptJson>(
      'GET',
      `/v1/login-processes/${attempt.id}?since=${attempt.version}`,
      {
        token: t.dana,
      },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'complete',
      login: { network: 'example', remote_id: 'dana', user_id: dana.userId },
    });
    loginId = res.body.login?.id ?? '';
    const again = await f.api.call('POST', `/v1/login-processes/${attempt.id}/submit`, {
      token: t.dana,
      body: { values: {} },
    });
    expect([again.status, again.body.errcode]).toEqual([409, 'SB_WRONG_STEP']);
    expect(
      (await f.api.call('GET', `/v1/login-processes/${attempt.id}?since=soon`, { token: t.dana })).status,
    ).toBe(400);
    expect((await f.api.call('GET', '/v1/login-processes/no-such-id', { token: t.dana })).status).toBe(404);
    expect((await f.api.call('GET', `/v1/login-processes/${attempt.id}`)).status).toBe(401);
  });

  it('GET /v1/logins shows bridge state per login, the same the `logins` command shows', async () => {
    let logins: LoginJson[] = [];
    for (let i = 0; i < 50 && logins[0]?.state !== 'connected'; i++) {
      logins = (await f.api.call<{ logins: LoginJson[] }>('GET', '/v1/logins', { token: t.dana })).body
        .logins;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(logins).toEqual([
      expect.objectContaining({ id: loginId, remote_name: 'dana', state: 'connected', state_message: null }),
    ]);
    const mgmt = await openManagementRoom(dana, f.h.bridge.botUserId);
    await command(dana, mgmt, f.h.bridge.botUserId, 'logins', /Example: dana — connected/);
    const all = await f.api.call<{ logins: LoginJson[] }>('GET', '/v1/logins', { token: SECRET });
    expect(all.body.logins.map((l) => l.user_id)).toEqual([dana.userId]);
    expect(
      (await f.api.call<{ logins: LoginJson[] }>('GET', '/v1/logins', { token: t.ada })).body.logins,
    ).toEqual([]);
    expect((await f.api.call('GET', '/v1/logins?network=nowhere', { token: t.dana })).status).toBe(404);
    expect((await f.api.call('GET', '/v1/logins')).status).toBe(401);
  });

  it('DELETE /v1/login-processes/{id} cancels a login, also one started in the management room', async () => {
    const bot = f.h.bridge.botUserId;
    const mgmt = await openManagementRoom(dana, bot);
    await command(dana, mgmt, bot, 'login example', 'Username?');
    const open = f.h.bridge.services.loginSessions.current(dana.userId);
    expect(open).toBeDefined();
    expect((await f.api.call('DELETE', `/v1/login-processes/${open?.id}`, { token: t.ada })).status).toBe(
      404,
    );
    expect((await f.api.call('DELETE', `/v1/login-processes/${open?.id}`)).status).toBe(401);
    expect((await f.api.call('DELETE', `/v1/login-processes/${open?.id}`, { token: t.dana })).status).toBe(
      204,
    );
    const gone = await f.api.call<AttemptJson>('GET', `/v1/login-processes/${open?.id}`, { token: t.dana });
    expect(gone.body.status).toBe('cancelled');
    // The room no longer takes the next message as the username.
    await command(dana, mgmt, bot, 'dana', 'Unknown command "dana"');
  });

  it('POST /v1/chats opens a DM portal and invites the user', async () => {
    const res = await f.api.call<PortalJson>('POST', '/v1/chats', {
      token: t.dana,
      body: { network: 'example', identifier: 'alice' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      network: 'example',
      chat_id: 'dm:alice',
      receiver: loginId,
      kind: 'dm',
      created: true,
    });
    dmRoom = res.body.room_id;
    await dana.waitForInvite((i) => i.roomId === dmRoom);
    const again = await f.api.call<PortalJson>('POST', '/v1/chats', {
      token: t.dana,
      body: { network: 'example', identifier: 'alice' },
    });
    expect([again.status, again.body.created, again.body.room_id]).toEqual([200, false, dmRoom]);
    const cases: [string, object, number, string][] = [
      [t.dana, { network: 'example' }, 400, 'M_MISSING_PARAM'],
      [t.dana, { network: 'nowhere', identifier: 'x' }, 404, 'M_NOT_FOUND'],
      [t.rita, { network: 'example', identifier: 'alice' }, 403, 'M_FORBIDDEN'],
      [t.ada, { network: 'example', identifier: 'alice' }, 409, 'SB_NOT_LOGGED_IN'],
    ];
    for (const [token, b, status, errcode] of cases) {
      const bad = await f.api.call('POST', '/v1/chats', { token, body: b });
      expect([bad.status, bad.body.errcode]).toEqual([status, errcode]);
    }
    expect((await f.api.call('POST', '/v1/chats', { body: {} })).status).toBe(401);
  });

  it('GET /v1/portals: users see their own chats, admins see all', async () => {
    const mine = await f.api.call<{ portals: PortalJson[] }>('GET', '/v1/portals', { token: t.dana });
    expect(mine.body.portals).toEqual([expect.objectContaining({ room_id: dmRoom, receiver: loginId })]);
    const admin = await f.api.call<{ portals: PortalJson[] }>('GET', '/v1/portals?network=example', {
      token: t.ada,
    });
    expect(admin.body.portals.map((p) => p.room_id)).toContain(dmRoom);
    expect(
      (await f.api.call<{ portals: PortalJson[] }>('GET', '/v1/portals', { token: t.rita })).body.portals,
    ).toEqual([]);
    expect((await f.api.call('GET', '/v1/portals?network=nowhere', { token: t.dana })).status).toBe(404);
    expect((await f.api.call('GET', '/v1/portals')).status).toBe(401);
  });

  it('POST /v1/portals links an existing room to a remote chat (admin only)', async () => {
    linkedRoom = await ada.createRoom({ name: 'Lobby here', preset: 'public_chat' });
    const privateRoom = await ada.createRoom({ name: 'Private' });
    const link = { network: 'example', chat_id: 'group:lobby', room: linkedRoom };
    const asDana = `/v1/portals?user_id=${enc(dana.userId)}`;
    const cases: [string, string, object, number, string][] = [
      [t.dana, '/v1/portals', link, 403, 'M_FORBIDDEN'],
      [SECRET, asDana, { ...link, room: 'lobby' }, 400, 'M_INVALID_PARAM'],
      [SECRET, asDana, { network: 'example', room: linkedRoom }, 400, 'M_MISSING_PARAM'],
      [SECRET, asDana, { ...link, room: privateRoom }, 403, 'M_FORBIDDEN'],
      [t.ada, '/v1/portals', link, 409, 'SB_NOT_LOGGED_IN'],
    ];
    for (const [token, path, b, status, errcode] of cases) {
      const bad = await f.api.call('POST', path, { token, body: b });
      expect([bad.status, bad.body.errcode]).toEqual([status, errcode]);
    }
    // An admin tool links through the logged-in user's session.
    const ok = await f.api.call<PortalJson>('POST', asDana, { token: SECRET, body: link });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ room_id: linkedRoom, chat_id: 'group:lobby', receiver: null });
    const twice = await f.api.call('POST', asDana, { token: SECRET, body: link });
    expect([twice.status, twice.body.errcode]).toEqual([409, 'SB_CONFLICT']);
    expect((await f.api.call('POST', '/v1/portals', { body: link })).status).toBe(401);
  });

  it('DELETE /v1/portals/{room} unlinks a room (admin only); the room stays', async () => {
    const path = `/v1/portals/${enc(linkedRoom)}`;
    expect((await f.api.call('DELETE', path, { token: t.dana })).status).toBe(403);
    expect((await f.api.call('DELETE', path)).status).toBe(401);
    expect((await f.api.call('DELETE', path, { token: t.ada })).status).toBe(204);
    expect(await f.h.bridge.store.portals.byRoom(linkedRoom)).toBeNull();
    const again = await f.api.call('DELETE', path, { token: t.ada });
    expect([again.status, again.body.error]).toEqual([404, `${linkedRoom} is not a bridged room`]);
  });

  it('DELETE /v1/logins/{id} logs out and deletes the login', async () => {
    const path = `/v1/logins/${loginId}`;
    expect((await f.api.call('DELETE', path, { token: t.ada })).status).toBe(404);
    expect((await f.api.call('DELETE', path)).status).toBe(401);
    expect((await f.api.call('DELETE', path, { token: t.dana })).status).toBe(204);
    expect(
      (await f.api.call<{ logins: LoginJson[] }>('GET', '/v1/logins', { token: t.dana })).body.logins,
    ).toEqual([]);
    expect((await f.api.call('DELETE', path, { token: t.dana })).status).toBe(404);
  });

  it('exercised every login and portal operation with success, auth failure and bad input', () => {
    expectCovered(
      f.contract,
      f.contract.operations().filter((op) => !/\/v1\/(auth|whoami|networks)/.test(op)),
    );
  });
});
