import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadModule, ModuleLoadError } from '../../src/modules/loader';
import { SDK_VERSION } from '../../src/sdk';
import { startBridgeHarness } from '../support/bridge-harness';

jest.setTimeout(60_000);

/**
 * Third-party modules as users install them: a project directory outside the repo whose
 * node_modules holds `switchboard` (a symlink to this checkout, as `npm link` makes it; the
 * package's `exports` map sends `require('switchboard')` to dist/src/sdk.js, so `npm run build`
 * must have run, as `npm test` does) and plugins as compiled JavaScript that require it.
 */
const REPO = path.resolve(__dirname, '../..');
const run = promisify(execFile);

function plugin(dir: string, name: string, sdkVersion: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', main: 'index.js' }));
  // What `tsc` emits for a module that default-exports its BridgeModule and imports from 'switchboard'.
  writeFileSync(
    path.join(dir, 'index.js'),
    `'use strict';
Object.defineProperty(exports, '__esModule', { value: true });
const switchboard_1 = require('switchboard');
exports.sdkFile = require.resolve('switchboard');
const capabilities = { formatting: 'plain', media: [], edits: false, reactions: false, redactions: false, replies: false };
exports.default = {
  manifest: { id: 'acme', displayName: 'Acme', sdkVersion: ${JSON.stringify(sdkVersion)}, capabilities },
  configSchema: { type: 'object', properties: { greeting: { type: 'string', default: 'hi' } } },
  create: (ctx) => ({
    start: async () => ctx.log.info('Acme up', { sdk: switchboard_1.SDK_VERSION }),
    stop: async () => undefined,
    sessionFor: async () => ({
      connect: async () => undefined,
      disconnect: async () => undefined,
      sendMessage: async () => { throw new switchboard_1.BridgeError('not_supported', 'Acme is read-only'); },
    }),
  }),
};
`,
  );
}

describe('third-party modules from a package outside the repo', () => {
  let project: string;

  beforeAll(() => {
    if (!existsSync(path.join(REPO, 'dist/src/sdk.js')))
      throw new Error('dist/ is missing: run `npm run build` (npm test does) before this test');
    project = mkdtempSync(path.join(tmpdir(), 'sb-third-party-'));
    mkdirSync(path.join(project, 'node_modules'));
    symlinkSync(REPO, path.join(project, 'node_modules', 'switchboard'), 'dir');
    plugin(path.join(project, 'plugins', 'acme'), 'acme-local', '^1.0.0');
    plugin(path.join(project, 'node_modules', 'switchboard-acme'), 'switchboard-acme', '^1.0.0');
    plugin(path.join(project, 'node_modules', 'switchboard-future'), 'switchboard-future', '^2.0.0');
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('loads a module by path, and its `switchboard` resolves to the installed SDK through the exports map', async () => {
    const mod = await loadModule('acme', './plugins/acme', project);
    expect(mod.manifest).toMatchObject({ id: 'acme', displayName: 'Acme' });
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the plugin is plain CommonJS, as published
    const { sdkFile } = require(path.join(project, 'plugins', 'acme')) as { sdkFile: string };
    expect(realpathSync(sdkFile)).toBe(path.join(REPO, 'dist/src/sdk.js'));
  });

  it('refuses a module written for another SDK version, saying what to do', async () => {
    plugin(path.join(project, 'plugins', 'future'), 'future-local', '^2.0.0');
    const loading = loadModule('acme', './plugins/future', project);
    await expect(loading).rejects.toThrow(ModuleLoadError);
    await expect(loading).rejects.toThrow(
      `bridges.acme: module "acme" needs SDK ^2.0.0, but this Switchboard provides SDK ${SDK_VERSION}; upgrade the module or Switchboard`,
    );
  });

  it('loads a module by npm package name where npm installs it: next to switchboard in node_modules', async () => {
    // A child process with --preserve-symlinks sees the core at <project>/node_modules/switchboard,
    // exactly as after `npm install switchboard switchboard-acme` (Node otherwise follows the
    // symlink into this checkout, where the plugin is not installed).
    const loader = path.join(project, 'node_modules/switchboard/dist/src/modules/loader.js');
    const script = `
      const { loadModule } = require(${JSON.stringify(loader)});
      const show = (p) => p.then((m) => m.manifest.displayName, (e) => e.name + ': ' + e.message);
      Promise.all([show(loadModule('acme', 'switchboard-acme', '.')), show(loadModule('acme', 'switchboard-future', '.')),
        show(loadModule('acme', 'switchboard-missing', '.'))]).then((r) => console.log(JSON.stringify(r)));`;
    const { stdout } = await run(process.execPath, ['--preserve-symlinks', '-e', script], { cwd: project });
    const [ok, future, missing] = JSON.parse(stdout) as string[];
    expect(ok).toBe('Acme');
    expect(future).toContain('ModuleLoadError: bridges.acme: module "acme" needs SDK ^2.0.0');
    expect(missing).toContain('ModuleLoadError: bridges.acme: cannot load module "switchboard-missing"');
  });

  it('runs it in the core when the config names it: bridges.acme.module', async () => {
    const h = await startBridgeHarness({
      bridges: { acme: { enabled: true, module: path.join(project, 'plugins', 'acme') } },
    });
    try {
      const net = h.bridge.networks.get('acme');
      expect(net?.displayName).toBe('Acme');
      expect(net?.module.manifest.sdkVersion).toBe('^1.0.0');
    } finally {
      await h.stop();
    }
  });
});
