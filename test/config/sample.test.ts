import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ConfigError } from '../../src/config/errors';
import { parseConfig, validateBridgeSection } from '../../src/config/load';
import {
  loadBuiltinModuleSamples,
  REGENERATE_COMMAND,
  renderSampleConfig,
  type ModuleSampleInfo,
} from '../../src/config/sample';
import { AS_TOKEN, ENCRYPTION_KEY, HS_TOKEN } from './fixture';

const ROOT = path.join(__dirname, '..', '..');
const SAMPLE = path.join(ROOT, 'config.sample.yaml');

const demo: ModuleSampleInfo = {
  schema: {
    type: 'object',
    description: 'A demo network.',
    additionalProperties: false,
    required: ['servers'],
    properties: {
      servers: {
        type: 'array',
        description: 'Servers to connect to.',
        items: {
          type: 'object',
          properties: {
            host: { type: 'string', description: 'Host name.' },
            tls: { type: 'boolean', description: 'Use TLS.', default: true },
          },
        },
      },
      nick_template: { type: 'string', description: 'Ghost nick template.', default: '{name}[m]' },
      api_key: { type: 'string', description: 'Optional API key.', examples: ['xyz'] },
    },
  },
  sample: {
    servers: [
      { host: 'chat.example.net', tls: true },
      { host: 'other.example.net', tls: false },
    ],
  },
};

/** Fills in the secrets a real config.yaml must set. */
const fillSecrets = (text: string): string =>
  text
    .replace(/^( {2}as_token:) CHANGE_ME$/m, `$1 ${AS_TOKEN}`)
    .replace(/^( {2}hs_token:) CHANGE_ME$/m, `$1 ${HS_TOKEN}`)
    .replace(/^( {2}encryption_key:) CHANGE_ME$/m, `$1 ${ENCRYPTION_KEY}`);

describe('config.sample.yaml', () => {
  it('is the render of the core schema and the modules in bridges/*/index.ts', async () => {
    const modules = await loadBuiltinModuleSamples();
    const rendered = renderSampleConfig(modules);
    if (process.env.SWITCHBOARD_UPDATE_SAMPLES === '1') writeFileSync(SAMPLE, rendered);
    const checkedIn = existsSync(SAMPLE) ? readFileSync(SAMPLE, 'utf8') : '';
    if (checkedIn !== rendered) {
      const a = checkedIn.split('\n');
      const b = rendered.split('\n');
      const line = a.findIndex((l, i) => l !== b[i]);
      throw new Error(
        `config.sample.yaml is out of date (modules found: ${Object.keys(modules).join(', ') || 'none'}).\n` +
          `Regenerate it with \`${REGENERATE_COMMAND}\`, or \`SWITCHBOARD_UPDATE_SAMPLES=1 npx jest test/config/sample\`.\n` +
          `First difference at line ${line + 1}:\n  checked in: ${a[line] ?? '(end)'}\n  expected:   ${b[line] ?? '(end)'}`,
      );
    }
  });

  it('is refused until the CHANGE_ME secrets are replaced, then loads with every module section', async () => {
    const modules = await loadBuiltinModuleSamples();
    const text = renderSampleConfig(modules);
    let message = '';
    try {
      parseConfig(text, 'config.sample.yaml', { env: {} });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      message = err.message;
    }
    expect(message).toContain('appservice.as_token');
    expect(message).toContain('appservice.hs_token');
    expect(message).toContain('database.encryption_key');
    const config = parseConfig(fillSecrets(text), 'config.yaml', { env: {} });
    for (const [id, info] of Object.entries(modules)) {
      expect(() => validateBridgeSection(id, config.bridges[id], info.schema)).not.toThrow();
    }
  });
});

describe('renderSampleConfig', () => {
  it('writes descriptions as comments, optional keys commented out, and module sections', () => {
    const text = renderSampleConfig({ demo });
    expect(text).toContain('# Port the appservice HTTP server listens on.\n  port: 29300\n');
    expect(text).toContain('  # url: https://matrix.example.org\n');
    expect(text).toContain(
      '# A demo network.\n  demo:\n    # Whether this network is bridged.\n    enabled: false\n',
    );
    expect(text).toContain(
      '    servers:\n        # Host name.\n      - host: chat.example.net\n        # Use TLS.\n        tls: true\n' +
        '      - host: other.example.net\n        tls: false\n',
    );
    expect(text).toContain('    # Ghost nick template.\n    nick_template: "{name}[m]"\n');
    expect(text).toContain('    # Optional API key.\n    # api_key: xyz\n');
    expect(text).toMatch(/# Localpart prefix of this network's ghost users; .*\n {4}# ghost_prefix: demo_\n/);
    const value = parse(text) as { bridges: Record<string, unknown>; permissions: unknown };
    expect(value.bridges.demo).toEqual({
      enabled: false,
      servers: [
        { host: 'chat.example.net', tls: true },
        { host: 'other.example.net', tls: false },
      ],
      nick_template: '{name}[m]',
    });
    expect(value.permissions).toEqual({ '*': 'relay', 'example.org': 'user', '@admin:example.org': 'admin' });
  });

  it('merges given values, e.g. generated secrets for a first-run config', () => {
    const text = renderSampleConfig(
      { demo },
      {
        header: ['Written by switchboard start.'],
        values: {
          homeserver: { domain: 'my.server' },
          appservice: { as_token: AS_TOKEN, hs_token: HS_TOKEN },
          database: { encryption_key: ENCRYPTION_KEY },
          bridges: { demo: { enabled: true } },
        },
      },
    );
    expect(text.startsWith('# Written by switchboard start.\n')).toBe(true);
    const config = parseConfig(text, 'config.yaml', { env: {} });
    expect(config.homeserver.domain).toBe('my.server');
    expect(config.bridges.demo?.enabled).toBe(true);
    expect(validateBridgeSection('demo', config.bridges.demo, demo.schema).nick_template).toBe('{name}[m]');
  });
});
