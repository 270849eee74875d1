import type { LoginManager } from '../../src/logins/login-manager';
import { checkField, LoginSessions, type LoginAttempt } from '../../src/logins/login-sessions';
import type { NetworkRuntime } from '../../src/modules/runtime';
import { BridgeError } from '../../src/sdk/errors';
import type { LoginProcess, LoginStep } from '../../src/sdk/login';
import type { LoginWithState } from '../../src/store/login-repo';

const quiet = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };
const user = { userId: '@dana:example.org', displayName: 'Dana' };
const qr = (data: string): LoginStep => ({
  type: 'display_and_wait',
  stepId: 'qr',
  instructions: 'Scan',
  display: { kind: 'qr', data },
});

/** A network whose login asks for a code, then shows QR codes until `scan` is called. */
function fakeNetwork() {
  const waits: ((s: LoginStep) => void)[] = [];
  const cancelled: string[] = [];
  const process = (): LoginProcess => ({
    start: async () => ({
      type: 'user_input',
      stepId: 'code',
      instructions: 'Your code',
      fields: [{ id: 'code', label: 'Code', type: 'text', pattern: '\\d{4}' }],
    }),
    submit: async (input) => {
      if (input.code === '0000') throw new BridgeError('bad_credentials', 'wrong code');
      return qr('first');
    },
    wait: () => new Promise((resolve) => waits.push(resolve)),
    cancel: async () => void cancelled.push('x'),
  });
  const net = {
    id: 'fake',
    displayName: 'Fake',
    connector: {
      start: async () => {},
      stop: async () => {},
      loginFlows: () => [{ id: 'code', name: 'Code', description: 'a code' }],
      startLogin: process,
    },
  } as unknown as NetworkRuntime;
  /** Answers the module's pending `wait()`, once the session has called it. */
  const scan = async (s: LoginStep) => {
    for (let i = 0; i < 100 && waits.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    waits.shift()?.(s);
  };
  return { net, cancelled, scan };
}

function sessions(opts = {}) {
  const completed: string[] = [];
  const logins = {
    complete: async (_n: NetworkRuntime, u: { userId: string }, done: { remoteId: string }) => {
      completed.push(done.remoteId);
      return {
        id: 'login-1',
        userId: u.userId,
        remoteId: done.remoteId,
        remoteName: done.remoteId,
        state: 'connecting',
      } as LoginWithState;
    },
  } as unknown as LoginManager;
  return { s: new LoginSessions(logins, quiet, opts), completed };
}

describe('LoginSessions (the step machine shared by the management room and the API)', () => {
  it('walks input → QR (refreshed) → complete, telling listeners each step in order', async () => {
    const { net, scan } = fakeNetwork();
    const { s, completed } = sessions();
    const seen: string[] = [];
    const a = await s.start(
      net,
      user,
      undefined,
      (x: LoginAttempt) => void seen.push(`${x.status}:${x.step?.stepId ?? x.login?.remoteId ?? ''}`),
    );
    expect(a.status).toBe('input');
    await s.submit(a.id, { code: '1234' });
    await scan(qr('second'));
    const refreshed = await s.changed(a.id, 2, 1000);
    expect(refreshed?.step).toMatchObject({ display: { data: 'second' } });
    await scan({ type: 'complete', login: { remoteId: 'dana', remoteName: 'Dana', credentials: 'x' } });
    const done = await s.changed(a.id, refreshed?.version ?? 0, 1000);
    expect(done).toMatchObject({ status: 'complete', login: { remoteId: 'dana' } });
    expect(completed).toEqual(['dana']);
    expect(seen).toEqual(['input:code', 'waiting:qr', 'waiting:qr', 'complete:dana']);
  });

  it('refuses input that does not fit a field, without bothering the module', async () => {
    const { net } = fakeNetwork();
    const { s } = sessions();
    const a = await s.start(net, user, 'code');
    await expect(s.submit(a.id, { code: 'abc' })).rejects.toThrow(
      'That does not look like a valid Code (field "code")',
    );
    await expect(s.submit(a.id, {})).rejects.toThrow('Code is required');
    expect(s.get(a.id)?.status).toBe('input');
    await expect(s.start(net, user, 'sms')).rejects.toThrow('Unknown login flow. Fake offers: code (a code)');
  });

  it('turns a module error into a failed attempt with its message', async () => {
    const { net, cancelled } = fakeNetwork();
    const { s } = sessions();
    const a = await s.start(net, user, 'code');
    const after = await s.submit(a.id, { code: '0000' });
    expect(after).toMatchObject({ status: 'failed', error: 'wrong code' });
    expect(cancelled).toHaveLength(1);
  });

  it('keeps one open attempt per user: a new one cancels the old, wherever it came from', async () => {
    const { net, cancelled } = fakeNetwork();
    const { s } = sessions();
    const first = await s.start(net, user, 'code');
    const second = await s.start(net, user, 'code');
    expect(s.get(first.id)?.status).toBe('cancelled');
    expect(s.current(user.userId)?.id).toBe(second.id);
    expect(cancelled).toHaveLength(1);
  });

  it('cancels an attempt left alone too long (a WhatsApp attempt holds a browser)', async () => {
    const { net, cancelled } = fakeNetwork();
    const { s } = sessions({ idleMs: 20 });
    const a = await s.start(net, user, 'code');
    const ended = await s.changed(a.id, a.version, 1000);
    expect(ended).toMatchObject({ status: 'failed', error: 'the login timed out' });
    expect(cancelled).toHaveLength(1);
  });

  it('checkField: required, optional and anchored patterns', () => {
    const f = { id: 'u', label: 'User', type: 'text' as const, pattern: '[a-z]+' };
    expect(checkField(f, 'abc')).toBeNull();
    expect(checkField(f, 'abc1')).toBe('That does not look like a valid User');
    expect(checkField(f, '')).toBe('User is required');
    expect(checkField({ ...f, optional: true }, undefined)).toBeNull();
  });
});
