import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BUILT_IN_MODULES } from '../modules/loader';
import { SDK_VERSION } from '../sdk';
import type { CliIo } from './commands';
import { packageFiles, type SwitchboardPackage } from './new-bridge-package';

/**
 * `switchboard new-bridge <target>`: scaffolds a module from src/cli/templates/bridge, a complete
 * module on an in-memory fake network that is type-checked and linted with the rest of the repo
 * (so the template cannot rot) and passes the conformance kit as generated.
 *
 * - `<id>` (e.g. `mynet`): a folder module inside this Switchboard checkout, bridges/<id>/, with
 *   its kit test in test/bridges/<id>/, like the built-in modules.
 * - `@scope/name` or a path (`./switchboard-mynet`): its own npm package, which depends on
 *   `switchboard` and imports `switchboard` and `switchboard/testing`.
 */
export interface NewBridgeOptions {
  readonly target: string;
  readonly cwd: string;
  /** The module id; derived from the package or folder name when absent. */
  readonly id?: string;
  /** The display name; default: the id with a capital letter. */
  readonly name?: string;
}

export interface NewBridgeResult {
  readonly kind: 'folder' | 'package';
  readonly id: string;
  /** Where the module's sources are. */
  readonly dir: string;
  /** Every file written, absolute. */
  readonly files: readonly string[];
}

const ID = /^[a-z][a-z0-9]{0,31}$/;
const TOKEN = { id: 'tmplnet', pascal: 'Tmplnet' } as const;
/** The standard file set of a bridge module (DESIGN §1): every module has these, and a README.md. */
export const MODULE_FILES = [
  'index.ts',
  'config.ts',
  'client.ts',
  'login.ts',
  'to-matrix.ts',
  'from-matrix.ts',
  'ids.ts',
];

/** The Switchboard install this command runs from: from src/cli or dist/src/cli, the nearest package.json named switchboard. */
export function switchboardRoot(from = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (
      existsSync(pkg) &&
      (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'switchboard'
    )
      return dir;
    if (path.dirname(dir) === dir) throw new Error(`no switchboard package.json above ${from}`);
  }
}

/** `switchboard-mynet`, `@acme/mynet-bridge` → `mynet`. */
function idFrom(name: string): string {
  return name
    .replace(/^@[^/]+\//, '')
    .replace(/^switchboard-|-bridge$/g, '')
    .replace(/[^a-z0-9]/gi, '')
    .toLowerCase();
}

function checkId(id: string, from: string): void {
  if (!ID.test(id))
    throw new Error(
      `"${id}" (from ${from}) is not a module id: use 1-32 lower-case letters and digits starting with a letter, or pass --id`,
    );
  if ((BUILT_IN_MODULES as readonly string[]).includes(id))
    throw new Error(`"${id}" is a built-in module of Switchboard; choose another id (--id)`);
}

function emptyOrAbsent(dir: string): void {
  if (existsSync(dir) && readdirSync(dir).length > 0)
    throw new Error(`${dir} already exists and is not empty`);
}

/** Substitutes the template's id, names and import paths. */
function render(text: string, id: string, name: string, imports: Readonly<Record<string, string>>): string {
  let out = text
    .replace(/displayName: 'Tmplnet'/g, () => `displayName: '${name.replace(/[\\']/g, '\\$&')}'`)
    .replace(/sdkVersion: '\^1\.0\.0'/g, `sdkVersion: '^${SDK_VERSION}'`);
  for (const [from, to] of Object.entries(imports)) out = out.split(`'${from}'`).join(`'${to}'`);
  const pascal = id.charAt(0).toUpperCase() + id.slice(1);
  return out.replaceAll(TOKEN.pascal, pascal).replaceAll(TOKEN.id, id);
}

/** The README speaks of the network by its display name, which the kit's table headers use too. */
function renderReadme(text: string, id: string, name: string): string {
  return text.replaceAll(TOKEN.pascal, name).replaceAll(TOKEN.id, id);
}

export function newBridge(o: NewBridgeOptions): NewBridgeResult {
  const root = switchboardRoot();
  const templates = path.join(root, 'src', 'cli', 'templates', 'bridge');
  const read = (file: string) => readFileSync(path.join(templates, file), 'utf8');
  const isPackage = o.target.startsWith('@') || o.target.startsWith('.') || /[/\\]/.test(o.target);
  const id = o.id ?? (isPackage ? idFrom(path.basename(o.target)) : o.target);
  checkId(id, o.target);
  const name = o.name ?? id.charAt(0).toUpperCase() + id.slice(1);
  const files: string[] = [];
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    files.push(file);
  };

  if (!isPackage) {
    const checkout = path.resolve(o.cwd);
    if (!existsSync(path.join(checkout, 'src', 'sdk.ts')) || !existsSync(path.join(checkout, 'bridges')))
      throw new Error(
        `${checkout} is not a Switchboard checkout: run \`new-bridge ${id}\` at its root, or give a package name (@you/switchboard-${id}) or a path (./switchboard-${id}) for a module of its own`,
      );
    const dir = path.join(checkout, 'bridges', id);
    const testDir = path.join(checkout, 'test', 'bridges', id);
    emptyOrAbsent(dir);
    emptyOrAbsent(testDir);
    for (const f of MODULE_FILES)
      write(path.join(dir, f), render(read(f), id, name, { '../../../sdk': '../../src/sdk' }));
    write(path.join(dir, 'README.md'), renderReadme(read('README.md'), id, name));
    const testImports = {
      '../../../testing': '../../../src/testing',
      './client': `../../../bridges/${id}/client`,
      './index': `../../../bridges/${id}`,
    };
    const test = render(read('conformance.test.ts'), id, name, testImports).replace(
      "path.join(__dirname, 'README.md')",
      `path.join(__dirname, '../../../bridges/${id}/README.md')`,
    );
    write(path.join(testDir, 'conformance.test.ts'), test);
    return { kind: 'folder', id, dir, files };
  }

  const dir = path.resolve(o.cwd, o.target.startsWith('@') ? o.target.replace(/^@[^/]+\//, '') : o.target);
  const packageName = o.target.startsWith('@') ? o.target : path.basename(dir);
  if (!/^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/.test(packageName))
    throw new Error(`"${packageName}" is not a valid npm package name (lower case, no spaces)`);
  emptyOrAbsent(dir);
  for (const f of MODULE_FILES)
    write(path.join(dir, 'src', f), render(read(f), id, name, { '../../../sdk': 'switchboard' }));
  write(path.join(dir, 'README.md'), renderReadme(read('README.md'), id, name));
  const testImports = {
    '../../../testing': 'switchboard/testing',
    './client': '../src/client',
    './index': '../src',
  };
  const test = render(read('conformance.test.ts'), id, name, testImports).replace(
    "path.join(__dirname, 'README.md')",
    "path.join(__dirname, '..', 'README.md')",
  );
  write(path.join(dir, 'test', 'conformance.test.ts'), test);
  const own = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as SwitchboardPackage;
  for (const [file, text] of Object.entries(packageFiles(packageName, id, name, own)))
    write(path.join(dir, file), text);
  return { kind: 'package', id, dir, files };
}

/** The CLI face of {@link newBridge}: scaffolds, then says how to build, test and enable the module. */
export function runNewBridge(o: NewBridgeOptions, io: CliIo): void {
  const r = newBridge(o);
  const rel = (p: string) => {
    const r = path.relative(o.cwd, p);
    return r && !r.startsWith('..') ? r : p;
  };
  io.out(`Created the ${r.id} module in ${rel(r.dir)} (${r.files.length} files).`);
  if (r.kind === 'folder') {
    io.out(`Run its conformance kit:  npx jest test/bridges/${r.id}`);
    io.out(
      `Enable it: add '${r.id}' to BUILT_IN_MODULES in src/modules/loader.ts, or set bridges.${r.id}.module: ./dist/bridges/${r.id} in config.yaml.`,
    );
  } else {
    io.out(`Next:  cd ${rel(r.dir)} && npm install && npm run build && npm test`);
    io.out(
      `Enable it: install the package next to switchboard and set bridges.${r.id}.module to its package name (or its path) in config.yaml.`,
    );
  }
}
