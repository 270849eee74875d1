import { ConfigError } from '../../src/config/errors';
import { parseConfig, validateBridgeSection } from '../../src/config/load';
import type { JsonSchema } from '../../src/sdk';
import { MINIMAL_YAML } from './fixture';

const ircSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['networks'],
  properties: {
    networks: {
      type: 'array',
      description: 'IRC networks.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'host'],
        properties: {
          id: { type: 'string', pattern: '^[a-z0-9]+$' },
          host: { type: 'string', format: 'hostname' },
          port: { type: 'integer', minimum: 1, maximum: 65535, default: 6697 },
          sasl_password: { type: 'string', minLength: 1 },
        },
      },
    },
    max_connections: { type: 'integer', minimum: 1, default: 50 },
  },
};

describe('validateBridgeSection', () => {
  it('fills in the module defaults and keeps enabled/module', () => {
    const config = parseConfig(MINIMAL_YAML, 'config.yaml', { env: {} });
    const section = config.bridges.irc;
    const out = validateBridgeSection('irc', section, ircSchema);
    expect(out).toEqual({
      enabled: true,
      networks: [{ id: 'libera', host: 'irc.libera.chat', port: 6697 }],
      max_connections: 50,
    });
    expect(section).toEqual({ enabled: true, networks: [{ id: 'libera', host: 'irc.libera.chat' }] });
    const prefixed = { ...section, ghost_prefix: 'ircx_', alias_prefix: 'ircx_' };
    expect(validateBridgeSection('irc', prefixed, ircSchema)).toMatchObject({
      ghost_prefix: 'ircx_',
      enabled: true,
    });
    expect(() =>
      parseConfig(MINIMAL_YAML.replace('enabled: true', 'enabled: true\n    ghost_prefix: ""')),
    ).toThrow(/bridges\.irc\.ghost_prefix \(line \d+\): got ""; must be lower-case letters/);
    expect(validateBridgeSection('x', { enabled: false, module: './x.js' }, { type: 'object' })).toEqual({
      enabled: false,
      module: './x.js',
    });
  });

  it('names the full key path, the line and the fix, masking secrets', () => {
    const text = MINIMAL_YAML.replace(
      'host: irc.libera.chat',
      'host: irc.libera.chat\n        port: 0\n        sasl_password: hunter2\n        nick: x',
    );
    const config = parseConfig(text, 'config.yaml', { env: {} });
    let err: unknown;
    try {
      validateBridgeSection('irc', config.bridges.irc, { ...ircSchema });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as ConfigError).message;
    expect(msg).toMatch(/^config\.yaml has 2 problems/);
    expect(msg).toContain(
      'bridges.irc.networks[0].port (line 20): got 0; must be an integer between 1 and 65535, e.g. 6697',
    );
    expect(msg).toContain(
      'bridges.irc.networks[0].nick (line 22): unknown key; remove it; the keys allowed here are id, host, port, sasl_password',
    );
    const bad = { enabled: true, networks: [{ id: 'x', host: 'h', sasl_password: '' }] };
    expect(() => validateBridgeSection('irc', bad, ircSchema)).toThrow(
      /networks\[0\]\.sasl_password: got <hidden>/,
    );
    expect(() => validateBridgeSection('irc', 'yes', ircSchema)).toThrow(/bridges\.irc: not a mapping/);
  });

  it('checks the core key role_power_levels and keeps it from the module', () => {
    const section = {
      enabled: true,
      networks: [{ id: 'x', host: 'irc.example' }],
      role_power_levels: { voice: 5 },
    };
    expect(validateBridgeSection('irc', section, ircSchema)).toMatchObject({
      role_power_levels: { voice: 5 },
    });
    const text = MINIMAL_YAML.replace(
      '    enabled: true',
      '    enabled: true\n    role_power_levels: { voice: 500 }',
    );
    expect(() => parseConfig(text, 'config.yaml', { env: {} })).toThrow(
      /bridges\.irc\.role_power_levels\.voice/,
    );
  });

  it('rejects an invalid module schema with the module named', () => {
    expect(() => validateBridgeSection('bad', { enabled: true }, { type: 'object', defualt: {} })).toThrow(
      /module bad has an invalid config schema/,
    );
  });
});
