import { readFileSync } from 'node:fs';
import type { ValidateFunction } from 'ajv';
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { JsonSchema } from '../sdk/module';
import { ConfigError, formatPath, problemsFromAjv, type ConfigProblem, type KeyPath } from './errors';
import { CORE_BRIDGE_KEYS, CORE_SCHEMA, createAjv } from './schema';
import type { BridgeSection, Config } from './types';

/**
 * Environment variables that override config values, so secrets can come from a container
 * secret store instead of the file. A non-empty variable wins over the file.
 */
export const ENV_OVERRIDES: readonly { readonly env: string; readonly path: readonly [string, string] }[] = [
  { env: 'SWITCHBOARD_AS_TOKEN', path: ['appservice', 'as_token'] },
  { env: 'SWITCHBOARD_HS_TOKEN', path: ['appservice', 'hs_token'] },
  { env: 'SWITCHBOARD_DATABASE_URL', path: ['database', 'url'] },
];

export interface LoadOptions {
  /** Where the overrides are read from; `process.env` by default. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

type Locate = (path: KeyPath) => string;

const ajv = createAjv();
let coreValidator: ValidateFunction | undefined;
const moduleValidators = new WeakMap<object, ValidateFunction>();
/** Where each parsed `bridges.<id>` section came from, so module errors carry line numbers too. */
const sectionOrigins = new WeakMap<object, { source: string; locate: Locate }>();

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function locator(doc: Document, lines: LineCounter, envPaths: Map<string, string>): Locate {
  // The line of the key itself (a value node may start on the next line), or undefined.
  const keyLine = (path: KeyPath): number | undefined => {
    const parent: unknown = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
    const last = path[path.length - 1];
    let node: unknown;
    if (isMap(parent)) node = parent.items.find((p) => isScalar(p.key) && p.key.value === last)?.key;
    else if (isSeq(parent) && typeof last === 'number') node = parent.items[last];
    const start = isNode(node) ? node.range?.[0] : undefined;
    return start === undefined ? undefined : lines.linePos(start).line;
  };
  return (path) => {
    const env = envPaths.get(formatPath(path));
    if (env) return ` (from ${env})`;
    // A missing key has no line: point at the closest section that exists instead.
    for (let n = path.length; n > 0; n--) {
      const line = keyLine(path.slice(0, n));
      if (line !== undefined)
        return n === path.length ? ` (line ${line})` : ` (in the section at line ${line})`;
    }
    return '';
  };
}

function syntaxProblems(doc: Document, lines: LineCounter, text: string): ConfigProblem[] {
  const seen = new Set<number>();
  // The parser often reports one mistake twice at the same spot: keep the first.
  const errors = doc.errors.filter((e) => !seen.has(e.pos[0]) && seen.add(e.pos[0]));
  return errors.map((e) => {
    const { line, col } = lines.linePos(e.pos[0]);
    const src = text.split('\n')[line - 1]?.replace(/\t/g, '→') ?? '';
    return {
      path: '',
      where: `line ${line}, column ${col}`,
      problem: `YAML syntax error: ${e.message}`,
      fix: `check the indentation, colons and quotes near: ${JSON.stringify(src.trim())}`,
    };
  });
}

/** Cross-field rules a JSON Schema cannot say. */
function semanticProblems(data: Record<string, unknown>, locate: Locate): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const get = (a: string, b: string): unknown => (isRecord(data[a]) ? data[a][b] : undefined);
  const add = (path: [string, string], problem: string, fix: string): void => {
    problems.push({ path: formatPath(path), where: locate(path), problem, fix });
  };
  const as = get('appservice', 'as_token');
  const hs = get('appservice', 'hs_token');
  const generate = 'generate another with `openssl rand -hex 32`';
  if (typeof as === 'string' && as === hs) {
    add(
      ['appservice', 'hs_token'],
      'same value as appservice.as_token',
      `must differ from as_token; ${generate}`,
    );
  }
  const secret = get('provisioning', 'shared_secret');
  if (typeof secret === 'string' && (secret === as || secret === hs)) {
    add(
      ['provisioning', 'shared_secret'],
      'same value as an appservice token',
      `must differ from both; ${generate}`,
    );
  }
  if (get('metrics', 'enabled') === true && get('metrics', 'port') === get('appservice', 'port')) {
    add(['metrics', 'port'], 'same port as appservice.port', 'must be a different port, e.g. 29301');
  }
  return problems;
}

/**
 * Parses and validates a config file's text, filling in defaults and applying the
 * `SWITCHBOARD_*` environment overrides. Throws a `ConfigError` listing every problem.
 *
 * @example
 * const config = parseConfig(readFileSync('config.yaml', 'utf8'), 'config.yaml');
 * config.appservice.port; // 29300 unless set
 */
export function parseConfig(yamlText: string, source = 'config', options: LoadOptions = {}): Config {
  const lines = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) throw new ConfigError(source, syntaxProblems(doc, lines, yamlText));
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    const problem = `YAML error: ${err instanceof Error ? err.message : String(err)}`;
    throw new ConfigError(source, [{ path: '', where: '', problem, fix: 'remove the YAML aliases (*name)' }]);
  }
  if (!isRecord(data)) {
    const problem =
      data === null || data === undefined ? 'the file is empty' : 'the top level is not a mapping';
    const fix = 'start from config.sample.yaml (or run `switchboard start`, which writes one)';
    throw new ConfigError(source, [{ path: '', where: '', problem, fix }]);
  }

  const env = options.env ?? process.env;
  const envPaths = new Map<string, string>();
  for (const o of ENV_OVERRIDES) {
    const value = env[o.env]?.trim();
    if (!value) continue;
    const [sectionKey, key] = o.path;
    if (data[sectionKey] === undefined) data[sectionKey] = {};
    const sec = data[sectionKey];
    if (!isRecord(sec)) continue; // the schema reports the malformed section
    sec[key] = value;
    envPaths.set(formatPath(o.path), o.env);
  }

  const locate = locator(doc, lines, envPaths);
  coreValidator ??= ajv.compile(CORE_SCHEMA);
  const valid = coreValidator(data);
  const problems = valid ? [] : problemsFromAjv(coreValidator.errors ?? [], [], locate);
  for (const [i, p] of problems.entries()) {
    const o = ENV_OVERRIDES.find((e) => formatPath(e.path) === p.path);
    if (o && !envPaths.has(p.path)) problems[i] = { ...p, fix: `${p.fix}; or set ${o.env}` };
  }
  problems.push(...semanticProblems(data, locate));
  if (problems.length > 0) throw new ConfigError(source, problems);

  const bridges = data.bridges;
  if (isRecord(bridges)) {
    for (const section of Object.values(bridges))
      if (isRecord(section)) sectionOrigins.set(section, { source, locate });
  }
  // The schema has just checked every field the type declares.
  return data as unknown as Config;
}

/**
 * Reads and validates a config file; see `parseConfig`.
 *
 * @example
 * const config = loadConfigFile('/etc/switchboard/config.yaml');
 */
export function loadConfigFile(path: string, options: LoadOptions = {}): Config {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? 'file not found' : `cannot be read (${code ?? String(err)})`;
    const fix = 'copy config.sample.yaml there and edit it, or pass another path with --config';
    throw new ConfigError(path, [{ path: '', where: '', problem, fix }]);
  }
  return parseConfig(text, path, options);
}

/**
 * Validates a module's `bridges.<id>` section against the module's own schema and returns a
 * copy with the schema's defaults filled in. The core's keys (`enabled`, `module`,
 * `ghost_prefix`, `alias_prefix`: checked by `parseConfig`) are hidden from the module's
 * schema, so a module may say `additionalProperties: false`, unless it declares them itself.
 *
 * @example
 * const section = validateBridgeSection('irc', config.bridges.irc, ircModule.configSchema);
 */
export function validateBridgeSection(id: string, section: unknown, moduleSchema: JsonSchema): BridgeSection {
  const origin = isRecord(section) ? sectionOrigins.get(section) : undefined;
  const source = origin?.source ?? 'config';
  const locate = origin?.locate ?? (() => '');
  if (!isRecord(section)) {
    const path = ['bridges', id];
    throw new ConfigError(source, [
      {
        path: formatPath(path),
        where: locate(path),
        problem: 'not a mapping',
        fix: 'must contain at least enabled: true',
      },
    ]);
  }
  let validate = moduleValidators.get(moduleSchema);
  if (!validate) {
    try {
      validate = ajv.compile(moduleSchema);
    } catch (err) {
      throw new Error(
        `module ${id} has an invalid config schema: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    moduleValidators.set(moduleSchema, validate);
  }
  const declared = isRecord(moduleSchema.properties) ? moduleSchema.properties : {};
  const core: Record<string, unknown> = {};
  const own: Record<string, unknown> = structuredClone(section);
  for (const key of CORE_BRIDGE_KEYS) {
    if (key in own && !(key in declared)) {
      core[key] = own[key];
      delete own[key];
    }
  }
  if (!validate(own))
    throw new ConfigError(source, problemsFromAjv(validate.errors ?? [], ['bridges', id], locate));
  return { ...core, ...own, enabled: (own.enabled ?? core.enabled) === true } as BridgeSection;
}
