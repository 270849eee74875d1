import { readFileSync } from 'node:fs';
import path from 'node:path';
// matrix-appservice-bridge's index loads the native crypto binding, which cannot be installed
// here; the AppServiceRegistration class it re-exports lives in `matrix-appservice` (installed
// with it), so the cross-check of our regexes takes it from there.
import { AppServiceRegistration } from 'matrix-appservice';
import { parse } from 'yaml';
import { parseConfig } from '../../src/config/load';
import {
  buildRegistration,
  registrationMatches,
  renderRegistrationExample,
  renderRegistrationYaml,
  type Registration,
} from '../../src/matrix/registration';
import { AS_TOKEN, HS_TOKEN, MINIMAL_YAML } from '../config/fixture';

const config = parseConfig(
  MINIMAL_YAML.replace('domain: example.org', 'domain: my-server.example.org'),
  'config.yaml',
  {
    env: {},
  },
);
const namespaces = { users: ['irc_', 'discord_'], aliases: ['irc_'] };

describe('buildRegistration', () => {
  it('has everything Synapse needs, with rate limiting off and ephemeral events on', () => {
    const reg = buildRegistration(config, namespaces);
    expect(reg).toEqual({
      id: 'switchboard',
      url: 'http://localhost:29300',
      as_token: AS_TOKEN,
      hs_token: HS_TOKEN,
      sender_localpart: 'switchboardbot',
      rate_limited: false,
      receive_ephemeral: true,
      'de.sorunome.msc2409.push_ephemeral': true,
      namespaces: {
        users: [
          { regex: '^@switchboardbot:my-server\\.example\\.org$', exclusive: true },
          { regex: '^@irc_.*:my-server\\.example\\.org$', exclusive: true },
          { regex: '^@discord_.*:my-server\\.example\\.org$', exclusive: true },
        ],
        aliases: [{ regex: '^#irc_.*:my-server\\.example\\.org$', exclusive: true }],
        rooms: [],
      },
    });
  });

  it('matches exactly our ghosts and aliases, checked with matrix-appservice', () => {
    const theirs = AppServiceRegistration.fromObject(buildRegistration(config, namespaces) as never);
    const domain = 'my-server.example.org';
    expect(theirs.isUserMatch(`@switchboardbot:${domain}`, true)).toBe(true);
    expect(theirs.isUserMatch(`@irc_alice:${domain}`, true)).toBe(true);
    expect(theirs.isUserMatch(`@discord_123:${domain}`, true)).toBe(true);
    expect(theirs.isAliasMatch(`#irc_libera_#matrix:${domain}`, true)).toBe(true);
    for (const foreign of [
      `@irc_alice:other.org`,
      `@irc_alice:${domain}.evil.org`,
      '@irc_alice:my-serverXexample.org',
      `@alice:${domain}`,
      `@whatsapp_1:${domain}`,
      `@switchboardbot2:${domain}`,
    ]) {
      expect([foreign, theirs.isUserMatch(foreign, false)]).toEqual([foreign, false]);
    }
    expect(theirs.isAliasMatch(`#discord_x:${domain}`, false)).toBe(false);
  });

  it('refuses a prefix that would claim the whole server', () => {
    expect(() => buildRegistration(config, { users: [''], aliases: [] })).toThrow(/invalid namespace prefix/);
    expect(() => buildRegistration(config, { users: ['.*'], aliases: [] })).toThrow(
      /invalid namespace prefix/,
    );
  });
});

describe('renderRegistrationYaml', () => {
  it('round-trips through YAML, with comments', () => {
    const reg = buildRegistration(config, namespaces);
    const text = renderRegistrationYaml(reg);
    expect(parse(text)).toEqual(reg);
    expect(text).toContain('# Synapse rate-limits appservices unless this is false.\nrate_limited: false\n');
    expect(registrationMatches(config, text, namespaces)).toEqual([]);
  });

  it('registration.yaml.example is the rendered example', () => {
    const file = readFileSync(path.join(__dirname, '..', '..', 'registration.yaml.example'), 'utf8');
    if (file !== renderRegistrationExample()) {
      throw new Error(
        'registration.yaml.example is out of date: run `npm run build && node dist/src/config/sample.js`',
      );
    }
    const reg = parse(file) as Registration;
    expect(reg.namespaces.users.map((u) => u.regex)).toEqual([
      '^@switchboardbot:example\\.org$',
      '^@whatsapp_.*:example\\.org$',
      '^@discord_.*:example\\.org$',
      '^@irc_.*:example\\.org$',
      '^@example_.*:example\\.org$',
    ]);
  });
});

describe('registrationMatches', () => {
  const good = buildRegistration(config, namespaces);
  const check = (reg: unknown, ns = namespaces) =>
    registrationMatches(config, renderRegistrationYaml(reg as Registration), ns);

  it('accepts equivalent hand-written namespaces', () => {
    const users = [
      { regex: '@switchboardbot:my-server\\.example\\.org', exclusive: true },
      { regex: '^@(irc|discord)_.+:my-server\\.example\\.org$', exclusive: true },
    ];
    expect(
      check({ ...good, url: 'http://localhost:29300/', namespaces: { ...good.namespaces, users } }),
    ).toEqual([
      'users namespace @switchboardbot:my-server\\.example\\.org also matches ids of other servers, e.g. @switchboardbot:my-server.example.org.other.invalid',
    ]);
  });

  it('lists each mismatch without revealing tokens', () => {
    const bad = {
      ...good,
      id: 'other',
      url: 'http://bridge:9999',
      as_token: 'x'.repeat(40),
      hs_token: 'y'.repeat(40),
      sender_localpart: 'bot',
      rate_limited: true,
      receive_ephemeral: false,
      'de.sorunome.msc2409.push_ephemeral': false,
      namespaces: {
        users: [
          { regex: '^@switchboardbot:my-server.example.org$', exclusive: true },
          { regex: '^@irc_.*:my-server\\.example\\.org$', exclusive: false },
          { regex: '^@whatsapp_.*', exclusive: true },
        ],
        aliases: [],
        rooms: [],
      },
    };
    const out = check(bad);
    expect(out).toEqual([
      'id is "other" but appservice.id is "switchboard": regenerate the registration or fix the config',
      'url is "http://bridge:9999" but appservice.address is "http://localhost:29300": the homeserver sends events elsewhere',
      'as_token differs from appservice.as_token: the homeserver rejects the bridge (M_UNKNOWN_TOKEN)',
      'hs_token differs from appservice.hs_token: the bridge rejects every transaction from the homeserver',
      'sender_localpart is "bot" but appservice.bot.localpart is "switchboardbot": the bot would not be the appservice sender',
      'rate_limited is not false: Synapse then throttles every ghost',
      'receive_ephemeral is not true: typing notifications and read receipts are not bridged',
      'no exclusive users namespace covers @irc_probe:my-server.example.org',
      'no exclusive users namespace covers @discord_probe:my-server.example.org',
      'users namespace ^@switchboardbot:my-server.example.org$ also matches ids of other servers, e.g. @switchboardbot:my-serverxexample.org',
      'users namespace ^@whatsapp_.* is not used by any enabled network; regenerate the registration',
      'no exclusive aliases namespace covers #irc_probe:my-server.example.org',
    ]);
    expect(out.join('\n')).not.toContain('x'.repeat(40));
  });

  it('reports unreadable files', () => {
    expect(registrationMatches(config, 'id: [')).toEqual([
      expect.stringMatching(/^the registration is not valid YAML/),
    ]);
    expect(registrationMatches(config, '')).toEqual(['the registration file is empty or not a mapping']);
    expect(registrationMatches(config, renderRegistrationYaml(good))).toEqual([]);
  });
});
