import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../src/config/errors';
import { loadConfigFile, parseConfig } from '../../src/config/load';
import { AS_TOKEN, ENCRYPTION_KEY, HS_TOKEN, MINIMAL_YAML, withValue } from './fixture';

const parse = (text: string, env: Record<string, string> = {}) => parseConfig(text, 'config.yaml', { env });

/** The ConfigError message a config produces. */
function errorOf(text: string, env: Record<string, string> = {}): string {
  try {
    parse(text, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('the config was accepted');
}

describe('parseConfig', () => {
  it('accepts a minimal config and fills in every default', () => {
    const config = parse(MINIMAL_YAML);
    expect(config.homeserver).toEqual({ domain: 'example.org' });
    expect(config.appservice).toMatchObject({
      id: 'switchboard',
      bind: '127.0.0.1',
      port: 29300,
      bot: { localpart: 'switchboardbot', displayname: 'Switchboard bridge bot' },
      max_body_bytes: 16 * 1024 * 1024,
    });
    expect(config.database).toEqual({ path: './data/pglite', encryption_key: ENCRYPTION_KEY });
    expect(config.media).toEqual({ max_file_bytes: 100 * 1024 * 1024 });
    expect(config.logging).toEqual({ level: 'info', format: 'json' });
    expect(config.metrics).toEqual({ enabled: false, bind: '127.0.0.1', port: 29301 });
    expect(config.provisioning).toEqual({ enabled: false, prefix: '/_switchboard/provision' });
    expect(config.permissions['@admin:example.org']).toBe('admin');
    // Module sections pass through untouched; the module's own schema checks the rest.
    expect(config.bridges.irc).toEqual({
      enabled: true,
      networks: [{ id: 'libera', host: 'irc.libera.chat' }],
    });
  });

  it('names the key, the value and the fix for an out-of-range port', () => {
    const msg = errorOf(withValue('appservice', 'port', '70000'));
    expect(msg).toContain('config.yaml has a problem');
    expect(msg).toMatch(
      /appservice\.port \(line \d+\): got 70000; must be an integer between 1 and 65535, e.g. 29300/,
    );
  });

  it('lists every problem at once', () => {
    const text = withValue('logging', 'level', 'verbose').replace(
      'domain: example.org',
      'domain: https://example.org/',
    );
    const msg = errorOf(text);
    expect(msg).toContain('config.yaml has 2 problems');
    expect(msg).toMatch(
      /homeserver\.domain \(line 3\): got "https:\/\/example.org\/"; must be a Matrix server name/,
    );
    expect(msg).toMatch(
      /logging\.level \(line \d+\): got "verbose"; must be one of "debug", "info", "warn", "error"/,
    );
  });

  it('masks secrets in messages', () => {
    const short = 'tooShortSecret';
    const msg = errorOf(MINIMAL_YAML.replace(AS_TOKEN, short).replace(ENCRYPTION_KEY, 'c2hvcnQ='));
    expect(msg).not.toContain(short);
    expect(msg).not.toContain('c2hvcnQ=');
    expect(msg).toMatch(
      /appservice\.as_token \(line \d+\): got <hidden>; must be a random string of at least 32 characters/,
    );
    expect(msg).toMatch(
      /database\.encryption_key \(line \d+\): got <hidden>; must be 32 random bytes in base64/,
    );
    expect(msg).toContain('or set SWITCHBOARD_AS_TOKEN');
  });

  it('rejects identical tokens without printing them', () => {
    const msg = errorOf(MINIMAL_YAML.replace(HS_TOKEN, AS_TOKEN));
    expect(msg).toMatch(/appservice\.hs_token \(line \d+\): same value as appservice\.as_token; must differ/);
    expect(msg).not.toContain(AS_TOKEN);
  });

  it('checks URLs, server names, permissions and the encryption key', () => {
    const cases: [string, RegExp][] = [
      [
        withValue('homeserver', 'url', 'matrix.example.org'),
        /homeserver\.url .*must be an http:\/\/ or https:\/\/ URL/,
      ],
      [withValue('appservice', 'address', 'ftp://x'), /appservice\.address .*got "ftp:\/\/x"/],
      [withValue('homeserver', 'domain', 'exa mple.org'), /homeserver\.domain/],
      [withValue('homeserver', 'domain', 'example.org:99999'), /homeserver\.domain/],
      [
        withValue('permissions', "'@bob:example.org'", 'superuser'),
        /permissions\["@bob:example.org"\] .*got "superuser"; must be one of "block", "relay", "user", "admin"/,
      ],
      [
        withValue('permissions', "'bob'", 'user').replace("'bob'", "'@bob'"),
        /permissions\["@bob"\].*invalid key "@bob"; keys must be "\*", a server name/,
      ],
      [withValue('permissions', "'https://x.org'", 'user'), /invalid key "https:\/\/x.org"/],
      [withValue('database', 'url', 'mysql://db'), /database\.url .*must be a postgres:\/\/ connection URL/],
      [withValue('provisioning', 'prefix', 'provision/'), /provisioning\.prefix .*must be a URL path/],
      [
        withValue('appservice', 'bot', '{ localpart: Bot }'),
        /appservice\.bot\.localpart .*lower-case letters/,
      ],
      [withValue('metrics', 'enabled', 'yes'), /metrics\.enabled .*got "yes"; must be true or false/],
      [
        withValue('bridges', 'discord', '{ module: x }'),
        /bridges\.discord\.enabled .*missing; must be true or false/,
      ],
      [
        withValue('bridges', 'Bad_Id', '{ enabled: true }'),
        /invalid key "Bad_Id"; keys must be lower-case letters and digits/,
      ],
    ];
    for (const [text, pattern] of cases) expect(errorOf(text)).toMatch(pattern);
  });

  it('accepts every form of permission key, server names with ports and IPv6 binds', () => {
    const text = withValue('permissions', "'matrix.example.org:8448'", 'user')
      .replace("'*': relay", "'@x:[::1]:8448': admin")
      .replace('http://localhost:29300', 'https://bridge.example.org/as')
      .replace('domain: example.org', 'domain: localhost:8448');
    const config = parse(text);
    expect(config.permissions).toEqual({
      '@x:[::1]:8448': 'admin',
      'matrix.example.org:8448': 'user',
      'example.org': 'user',
      '@admin:example.org': 'admin',
    });
    expect(config.homeserver.domain).toBe('localhost:8448');
    expect(parse(withValue('metrics', 'bind', "'::'")).metrics.bind).toBe('::');
  });

  it('reports unknown keys with a suggestion', () => {
    const msg = errorOf(MINIMAL_YAML.replace('permissions:', 'permisions:'));
    expect(msg).toMatch(/permisions \(line \d+\): unknown key; did you mean "permissions"\?/);
    expect(msg).toMatch(/permissions: missing/);
    expect(errorOf(withValue('appservice', 'prot', '1'))).toMatch(
      /appservice\.prot .*unknown key; did you mean "port"\?/,
    );
    expect(errorOf(`${MINIMAL_YAML}zzz: 1\n`)).toMatch(
      /zzz .*unknown key; remove it; the keys allowed here are homeserver, /,
    );
  });

  it('points at the section of a missing key', () => {
    const msg = errorOf(MINIMAL_YAML.replace(/^ {2}address: .*\n/m, ''));
    expect(msg).toMatch(
      /appservice\.address \(in the section at line 4\): missing; must be an http:\/\/ or https:\/\/ URL/,
    );
  });

  it('gives the line and column of YAML syntax errors', () => {
    const msg = errorOf('homeserver:\n  domain: example.org\nappservice:\n  port 29300\n  bind: [1,\n');
    expect(msg).toMatch(/line \d+, column \d+: YAML syntax error: /);
    expect(errorOf('a: 1\na: 2\n')).toMatch(/line 2, column 1: YAML syntax error: Map keys must be unique/);
    expect(errorOf('')).toMatch(/the file is empty/);
    expect(errorOf('- a\n- b\n')).toMatch(/the top level is not a mapping/);
  });

  it('applies environment overrides and labels their problems', () => {
    const env = { SWITCHBOARD_AS_TOKEN: 'e'.repeat(40), SWITCHBOARD_DATABASE_URL: 'postgres://u@db/sb' };
    const config = parse(MINIMAL_YAML, env);
    expect(config.appservice.as_token).toBe('e'.repeat(40));
    expect(config.database.url).toBe('postgres://u@db/sb');
    const noTokens = MINIMAL_YAML.replace(/^ {2}(as|hs)_token: .*\n/gm, '');
    expect(parse(noTokens, { ...env, SWITCHBOARD_HS_TOKEN: 'f'.repeat(40) }).appservice.hs_token).toBe(
      'f'.repeat(40),
    );
    const msg = errorOf(MINIMAL_YAML, { SWITCHBOARD_HS_TOKEN: 'short' });
    expect(msg).toMatch(/appservice\.hs_token \(from SWITCHBOARD_HS_TOKEN\): got <hidden>/);
    expect(msg).not.toContain('short;');
  });
});

describe('loadConfigFile', () => {
  it('reads a file and reports a missing one', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'switchboard-config-'));
    const file = path.join(dir, 'config.yaml');
    writeFileSync(file, MINIMAL_YAML);
    expect(loadConfigFile(file, { env: {} }).homeserver.domain).toBe('example.org');
    expect(() => loadConfigFile(path.join(dir, 'nope.yaml'))).toThrow(
      /nope\.yaml has a problem:\n {2}- file not found; copy/,
    );
    writeFileSync(file, withValue('appservice', 'port', '-1'));
    expect(() => loadConfigFile(file, { env: {} })).toThrow(
      new RegExp(`${file} has a problem:[\\s\\S]*appservice\\.port`),
    );
  });
});
