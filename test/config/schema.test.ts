import { expectation } from '../../src/config/errors';
import { CORE_SCHEMA, createAjv, FORMATS } from '../../src/config/schema';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every property schema under `schema`, with its key path. */
function* properties(schema: unknown, path = ''): Generator<[string, Obj]> {
  if (!isObj(schema)) return;
  if (isObj(schema.properties)) {
    for (const [key, sub] of Object.entries(schema.properties)) {
      if (!isObj(sub)) continue;
      yield [`${path}${key}`, sub];
      yield* properties(sub, `${path}${key}.`);
    }
  }
  if (isObj(schema.additionalProperties)) {
    yield [`${path}<key>`, schema.additionalProperties];
    yield* properties(schema.additionalProperties, `${path}<key>.`);
  }
}

describe('core config schema', () => {
  it('describes every property (the sample config comments come from it)', () => {
    const all = [...properties(CORE_SCHEMA)];
    expect(all.length).toBeGreaterThan(30);
    const undocumented = all.filter(([, s]) => typeof s.description !== 'string' || s.description.length < 5);
    expect(undocumented.map(([p]) => p)).toEqual([]);
  });

  it('compiles in strict mode', () => {
    expect(() => createAjv().compile(CORE_SCHEMA)).not.toThrow();
  });

  it('phrases a fix for every kind of value', () => {
    expect(expectation({ type: 'integer', minimum: 1, maximum: 65535, default: 29300 })).toBe(
      'must be an integer between 1 and 65535, e.g. 29300',
    );
    expect(expectation({ type: 'integer', minimum: 0 })).toBe('must be an integer of at least 0');
    expect(expectation({ type: 'string', minLength: 1, examples: ['x'] })).toBe(
      'must be a non-empty string, e.g. x',
    );
    expect(expectation({ type: 'string', pattern: '^[a-z]+$' })).toBe('must be a string matching /^[a-z]+$/');
    expect(expectation({ type: 'array', minItems: 1, items: {} })).toBe('must be a list of at least 1 items');
    expect(expectation({ type: 'string', format: 'token', examples: ['CHANGE_ME'] })).not.toContain(
      'CHANGE_ME',
    );
    expect(expectation({ type: 'string', format: 'uri' })).toBe('must be a valid uri');
  });
});

describe('custom formats', () => {
  const cases: Record<string, [string[], string[]]> = {
    'server-name': [
      [
        'example.org',
        'localhost',
        'matrix.example.org:8448',
        '1.2.3.4',
        '[::1]:8448',
        'xn--bcher-kva.example',
      ],
      ['https://example.org', 'example.org/', 'exa mple.org', 'example.org:70000', '-bad.org', '', '@a:b'],
    ],
    'http-url': [
      ['http://localhost:29300', 'https://matrix.example.org/', 'http://[::1]:8008'],
      ['matrix.example.org', 'ftp://example.org', 'https://', 'http://a b', 'javascript:alert(1)'],
    ],
    'postgres-url': [
      ['postgres://u:p@localhost/db', 'postgresql://db/x'],
      ['mysql://x/y', 'postgres:/x'],
    ],
    token: [
      ['a'.repeat(32), '0123456789abcdef0123456789abcdef_-'],
      ['a'.repeat(31), `${'a'.repeat(32)} b`, ''],
    ],
    'base64-key': [
      [Buffer.alloc(32, 1).toString('base64'), Buffer.alloc(32, 255).toString('base64url')],
      [Buffer.alloc(31).toString('base64'), Buffer.alloc(33).toString('base64'), `${'!'.repeat(43)}=`],
    ],
    'permission-subject': [
      ['*', 'example.org', '@alice:example.org', '@Old.User:example.org:8448'],
      ['**', '@alice', 'alice/x', '@:example.org', '@a:https://x', ''],
    ],
    'module-id': [
      ['irc', 'whatsapp', 'x2'],
      ['IRC', '2x', 'my_net', ''],
    ],
    'bind-address': [
      ['0.0.0.0', '127.0.0.1', '::', '::1', 'localhost'],
      ['0.0.0.0:80', '[::1]', 'a b', ''],
    ],
    'mxc-uri': [
      ['mxc://example.org/AbC_d-1'],
      ['https://example.org/x', 'mxc://example.org/', 'mxc://x/a/b'],
    ],
    'url-path': [
      ['/_switchboard/provision', '/'.concat('a')],
      ['provision', '/a/', '/a b'],
    ],
    localpart: [
      ['switchboardbot', 'bot.1_=-/+'],
      ['Bot', 'a b', ''],
    ],
  };
  it.each(Object.entries(cases))('%s', (name, [good, bad]) => {
    const f = FORMATS[name];
    if (!f) throw new Error(`no format ${name}`);
    for (const s of good) expect([s, f.validate(s)]).toEqual([s, true]);
    for (const s of bad) expect([s, f.validate(s)]).toEqual([s, false]);
  });
});
