import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { main } from '../../src/cli/main';
import { MODULE_FILES, newBridge } from '../../src/cli/new-bridge';
import { loadModule } from '../../src/modules/loader';
import { SDK_VERSION } from '../../src/sdk';
import { CHECKS } from '../../src/testing/catalog';

jest.setTimeout(180_000);

/**
 * `switchboard new-bridge` end to end: both kinds of module it makes build and pass the
 * conformance kit exactly as generated, against a real Synapse.
 */
const REPO = path.resolve(__dirname, '../..');
const run = promisify(execFile);
const scratch = mkdtempSync(path.join(tmpdir(), 'sb-new-bridge-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// A folder module needs a Switchboard checkout; this one borrows the repo's sources through a
// symlink so the scaffold does not write into the shared checkout. It is made while this file
// loads, because the generated test declares its own suite (below) when it is required.
const checkout = path.join(scratch, 'checkout');
mkdirSync(path.join(checkout, 'bridges'), { recursive: true });
symlinkSync(path.join(REPO, 'src'), path.join(checkout, 'src'), 'dir');
const folder = newBridge({ target: 'mynet', cwd: checkout });

describe('new-bridge <id>: a folder module in a Switchboard checkout', () => {
  it('writes the standard file set and a kit test next to the other modules', () => {
    expect(readdirSync(folder.dir).sort()).toEqual(['README.md', ...MODULE_FILES].sort());
    const index = readFileSync(path.join(folder.dir, 'index.ts'), 'utf8');
    expect(index).toContain("from '../../src/sdk'");
    expect(index).toContain("id: 'mynet', displayName: 'Mynet'");
    const test = readFileSync(path.join(checkout, 'test/bridges/mynet/conformance.test.ts'), 'utf8');
    expect(test).toContain("from '../../../src/testing'");
    expect(readFileSync(path.join(folder.dir, 'README.md'), 'utf8')).toContain(
      '| Feature | Matrix → Mynet | Mynet → Matrix |',
    );
  });

  it('type-checks with the repo settings', async () => {
    const tsconfig = path.join(checkout, 'tsconfig.json');
    writeFileSync(
      tsconfig,
      JSON.stringify({
        extends: path.join(REPO, 'tsconfig.json'),
        compilerOptions: { noEmit: true, rootDir: '/', typeRoots: [path.join(REPO, 'node_modules/@types')] },
        include: ['bridges/mynet', 'test/bridges/mynet'],
      }),
    );
    const tsc = path.join(REPO, 'node_modules/typescript/bin/tsc');
    const out = await run(process.execPath, [tsc, '-p', tsconfig], { cwd: checkout }).then(
      (r) => r.stdout,
      (e: { stdout: string }) => e.stdout,
    );
    // The core's own sources are checked by `npm test`; here only what the scaffold wrote matters.
    const ours = out.split('\n').filter((l) => /^(test\/)?bridges\/mynet\//.test(l));
    expect(ours).toEqual([]);
  });
});

// The generated test, unchanged, runs here as part of this file: its `conformance: mynet` suite.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loading it is what declares its suite
require(path.join(checkout, 'test/bridges/mynet/conformance.test.ts'));

describe('new-bridge <path or @scope/name>: a module as its own npm package', () => {
  const dir = path.join(scratch, 'switchboard-acmechat');
  const env = { ...process.env, PATH: `${path.dirname(process.execPath)}:${process.env.PATH ?? ''}` };
  // A hung child shows its output instead of only the test's timeout.
  const npm = (...args: string[]) =>
    run('npm', args, { cwd: dir, env, maxBuffer: 16 << 20, timeout: 120_000 }).catch(
      (e: Error & { stdout?: string; stderr?: string }) => {
        throw new Error(`${e.message}\n${e.stdout}\n${e.stderr}`);
      },
    );

  beforeAll(async () => {
    if (!existsSync(path.join(REPO, 'dist/src/testing/index.js')))
      throw new Error('dist/ is missing: run `npm run build` (npm test does) before this test');
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      expect(await main(['new-bridge', dir, '--name', 'Acme Chat'])).toBe(0);
      expect(log.mock.calls.flat().join('\n')).toContain('npm install && npm run build && npm test');
    } finally {
      log.mockRestore();
    }
    // What `npm install` leaves: the dev dependencies, and switchboard itself (here, this checkout).
    mkdirSync(path.join(dir, 'node_modules'));
    for (const entry of readdirSync(path.join(REPO, 'node_modules')))
      symlinkSync(path.join(REPO, 'node_modules', entry), path.join(dir, 'node_modules', entry));
    symlinkSync(REPO, path.join(dir, 'node_modules', 'switchboard'), 'dir');
  });

  it('is a package that depends on switchboard and imports only its public entry points', () => {
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Record<
      string,
      Record<string, string>
    >;
    expect(pkg).toMatchObject({
      name: 'switchboard-acmechat',
      main: 'dist/index.js',
      peerDependencies: { switchboard: '^0.1.0' },
    });
    const sources = readdirSync(path.join(dir, 'src')).map((f) =>
      readFileSync(path.join(dir, 'src', f), 'utf8'),
    );
    const imports = sources.join('\n').match(/from '[^.][^']*'/g) ?? [];
    expect(new Set(imports)).toEqual(new Set(["from 'switchboard'", "from 'node:crypto'"]));
    expect(readFileSync(path.join(dir, 'test/conformance.test.ts'), 'utf8')).toContain(
      "from 'switchboard/testing'",
    );
    expect(readFileSync(path.join(dir, 'src/index.ts'), 'utf8')).toContain(
      "id: 'acmechat', displayName: 'Acme Chat'",
    );
  });

  it('type-checks and builds; the core loads the build by path', async () => {
    await npm('run', 'typecheck');
    await npm('run', 'build');
    const mod = await loadModule('acmechat', dir, scratch);
    expect(mod.manifest).toMatchObject({
      id: 'acmechat',
      displayName: 'Acme Chat',
      sdkVersion: `^${SDK_VERSION}`,
    });
  });

  it('passes the conformance kit with `npm test`, as generated', async () => {
    const { stdout, stderr } = await npm('test');
    expect(stdout).toContain('Conformance of Acme Chat (acmechat): passed');
    expect(stdout).toContain('| Reactions | 🚫 not supported | — |');
    // One test per check of the kit's catalog, and one for the README's table.
    expect(stderr).toMatch(new RegExp(`Tests:\\s+${CHECKS.length + 1} passed, ${CHECKS.length + 1} total`));
  });
});

describe('new-bridge refuses what it cannot make', () => {
  it('names the problem', async () => {
    const err = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(await main(['new-bridge'])).toBe(1);
      expect(() => newBridge({ target: 'example', cwd: checkout })).toThrow('built-in module');
      expect(() => newBridge({ target: 'My Net', cwd: checkout })).toThrow('is not a module id');
      expect(() => newBridge({ target: 'mynet', cwd: checkout })).toThrow('already exists');
      expect(() => newBridge({ target: 'other', cwd: scratch })).toThrow('is not a Switchboard checkout');
    } finally {
      err.mockRestore();
    }
  });

  it('derives the id and the directory from a scoped package name', () => {
    const r = newBridge({ target: '@acme/switchboard-zed-bridge', cwd: scratch });
    expect(r).toMatchObject({
      kind: 'package',
      id: 'zed',
      dir: path.join(scratch, 'switchboard-zed-bridge'),
    });
    expect(JSON.parse(readFileSync(path.join(r.dir, 'package.json'), 'utf8'))).toMatchObject({
      name: '@acme/switchboard-zed-bridge',
    });
  });
});
