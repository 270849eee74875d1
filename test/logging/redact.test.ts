import { isSecretKey, REDACTED, redactString, redactValue } from '../../src/logging/redact';

describe('redaction', () => {
  it('recognises secret key names', () => {
    for (const k of [
      'as_token',
      'hs_token',
      'accessToken',
      'password',
      'SASL_PASSWORD',
      'shared_secret',
      'credentials',
      'session',
      'wa_session',
      'Authorization',
      'cookie',
      'set-cookie',
      'encryption_key',
      'apiKey',
      'API_KEY',
    ]) {
      expect([k, isSecretKey(k)]).toEqual([k, true]);
    }
    for (const k of ['key', 'roomId', 'userId', 'monkey', 'keyboard', 'network', 'message', 'level']) {
      expect([k, isSecretKey(k)]).toEqual([k, false]);
    }
  });

  it('masks secrets inside strings', () => {
    expect(redactString('Authorization: Bearer syt_abc.def-123')).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(redactString('GET /x?user_id=@a:b&access_token=abc123&ts=1')).toBe(
      `GET /x?user_id=@a:b&access_token=${REDACTED}&ts=1`,
    );
    expect(redactString('password=hunter2 next')).toBe(`password=${REDACTED} next`);
    expect(redactString('{"user":"a","hs_token":"s3\\"cret","n":1}')).toBe(
      `{"user":"a","hs_token":"${REDACTED}","n":1}`,
    );
    expect(redactString('nothing to see here')).toBe('nothing to see here');
  });

  it('copies nested values, handling cycles, errors, binary data and maps', () => {
    const cyclic: Record<string, unknown> = { name: 'a' };
    cyclic.self = cyclic;
    const shared = { x: 1 };
    const err = Object.assign(new Error('failed with access_token=abc'), { code: 'E1', token: 't' });
    const input = {
      cyclic,
      pair: [shared, shared],
      err,
      blob: Buffer.from('secret'),
      map: new Map([['password', 'p']]),
      nested: { deeper: { client_secret: 's', empty: '', token: null } },
      url: new URL('https://hs/_matrix?access_token=abc'),
    };
    const out = redactValue(input) as Record<string, unknown>;
    expect(out.cyclic).toEqual({ name: 'a', self: '[Circular]' });
    expect(out.pair).toEqual([{ x: 1 }, { x: 1 }]);
    expect(out.err).toMatchObject({
      name: 'Error',
      message: `failed with access_token=${REDACTED}`,
      code: 'E1',
      token: REDACTED,
    });
    expect(out.blob).toBe('<6 bytes>');
    expect(out.map).toEqual({ password: REDACTED });
    expect(out.nested).toEqual({ deeper: { client_secret: REDACTED, empty: '', token: null } });
    expect(out.url).toBe(`https://hs/_matrix?access_token=${REDACTED}`);
    expect(input.nested.deeper.client_secret).toBe('s');
  });
});
