import type { ErrorObject } from 'ajv';
import { stringify } from 'yaml';
import { FORMATS } from './schema';

/** One thing wrong with a config file. */
export interface ConfigProblem {
  /** Key path such as `appservice.port` or `bridges.irc.networks[0].host`; empty for syntax errors. */
  readonly path: string;
  /** Where the value came from: ` (line 7)`, ` (from SWITCHBOARD_AS_TOKEN)`, or empty. */
  readonly where: string;
  /** What is wrong, naming the offending value (secrets masked): `got 70000`, `missing`. */
  readonly problem: string;
  /** How to fix it: `must be an integer between 1 and 65535, e.g. 29300`. */
  readonly fix: string;
}

/**
 * A config that cannot be used. The message lists every problem at once, so an operator
 * fixes the file in one pass rather than one restart per typo.
 *
 * @example
 * try { loadConfigFile('config.yaml'); }
 * catch (err) { if (err instanceof ConfigError) console.error(err.message); }
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly source: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(
      `${source} has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}:\n` +
        problems
          .map((p) => `  - ${p.path}${p.where}${p.path || p.where ? ': ' : ''}${p.problem}; ${p.fix}`)
          .join('\n'),
    );
  }
}

/** Values under keys like these are shown as `<hidden>` in config errors. */
const SECRET_KEY = /token|secret|password|key/i;

export type KeyPath = readonly (string | number)[];

/** `['bridges', 'irc', 'networks', 0, 'host']` → `bridges.irc.networks[0].host`. */
export function formatPath(path: KeyPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

function mask(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(mask);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? '<hidden>' : mask(v)]),
  );
}

/** The offending value for a message: `<hidden>` under a secret key, short and masked otherwise. */
export function renderValue(path: KeyPath, value: unknown): string {
  const named = path.filter((s): s is string => typeof s === 'string');
  const last = named[named.length - 1];
  if (last !== undefined && SECRET_KEY.test(last) && value !== undefined && value !== null) return '<hidden>';
  if (value === undefined) return 'nothing';
  const text =
    typeof value === 'object' && value !== null
      ? stringify(mask(value), { collectionStyle: 'flow' }).trim()
      : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function example(schema: Record<string, unknown>): string {
  const ex = Array.isArray(schema.examples) ? (schema.examples[0] as unknown) : schema.default;
  if (ex === undefined || (isObject(ex) && Object.keys(ex).length === 0)) return '';
  return `, e.g. ${typeof ex === 'object' ? stringify(ex, { collectionStyle: 'flow' }).trim() : String(ex)}`;
}

/**
 * The fix sentence for a value that fails `schema`, phrased from the schema itself so that
 * module schemas get the same quality of message for free.
 *
 * @example
 * expectation({ type: 'integer', minimum: 1, maximum: 65535, default: 29300 });
 * // 'must be an integer between 1 and 65535, e.g. 29300'
 */
export function expectation(schema: unknown): string {
  if (!isObject(schema)) return 'must be a valid value';
  const format = typeof schema.format === 'string' ? FORMATS[schema.format] : undefined;
  if (format) return `must be ${format.hint}${format.secret ? '' : example(schema)}`;
  if (typeof schema.format === 'string') return `must be a valid ${schema.format}${example(schema)}`;
  if (Array.isArray(schema.enum))
    return `must be one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  if ('const' in schema) return `must be ${JSON.stringify(schema.const)}`;
  const { minimum: min, maximum: max } = schema;
  switch (schema.type) {
    case 'boolean':
      return 'must be true or false';
    case 'integer':
    case 'number': {
      const kind = schema.type === 'integer' ? 'an integer' : 'a number';
      const range =
        min !== undefined && max !== undefined
          ? ` between ${String(min)} and ${String(max)}`
          : min !== undefined
            ? ` of at least ${String(min)}`
            : max !== undefined
              ? ` of at most ${String(max)}`
              : '';
      return `must be ${kind}${range}${example(schema)}`;
    }
    case 'string': {
      const parts = ['must be a string'];
      if (typeof schema.minLength === 'number' && schema.minLength > 1)
        parts.push(`of at least ${schema.minLength} characters`);
      else if (schema.minLength === 1) parts[0] = 'must be a non-empty string';
      if (typeof schema.maxLength === 'number') parts.push(`of at most ${schema.maxLength} characters`);
      if (typeof schema.pattern === 'string') parts.push(`matching /${schema.pattern}/`);
      return parts.join(' ') + example(schema);
    }
    case 'array':
      return `must be a list${typeof schema.minItems === 'number' ? ` of at least ${schema.minItems} items` : ''}${example(schema)}`;
    case 'object':
      if (Array.isArray(schema.required) && schema.required.length > 0) {
        return `must be a section with ${schema.required.map(String).join(', ')}${example(schema)}`;
      }
      return `must be a mapping of keys to values${typeof schema.minProperties === 'number' ? ` with at least ${schema.minProperties} entries` : ''}${example(schema)}`;
    default:
      return `must be a valid value${example(schema)}`;
  }
}

/** The closest candidate within a couple of typos, for "did you mean" hints. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const distance = (a: string, b: string): number => {
    let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
      const cur = [i];
      for (let j = 1; j <= b.length; j++) {
        const cost = a[i - 1] === b[j - 1] ? 0 : 1;
        cur.push(Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
      }
      prev = cur;
    }
    return prev[b.length] ?? Infinity;
  };
  const limit = Math.max(2, Math.floor(word.length / 3));
  let best: { name: string; d: number } | undefined;
  for (const name of candidates) {
    const d = distance(word.toLowerCase(), name.toLowerCase());
    if (d <= limit && (!best || d < best.d)) best = { name, d };
  }
  return best?.name;
}

/** Turns Ajv errors into problems, one per key path; `where` locates a path in the source. */
export function problemsFromAjv(
  errors: readonly ErrorObject[],
  prefix: KeyPath,
  where: (path: KeyPath) => string,
): ConfigProblem[] {
  const byPath = new Map<string, ConfigProblem>();
  for (const e of errors) {
    if (e.keyword === 'propertyNames') continue; // the nested error carrying `propertyName` says it all
    const base: (string | number)[] = [...prefix];
    for (const raw of e.instancePath.split('/').slice(1)) {
      const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      base.push(/^\d+$/.test(seg) ? Number(seg) : seg);
    }
    const parent = isObject(e.parentSchema) ? e.parentSchema : {};
    const props = isObject(parent.properties) ? parent.properties : {};
    let path = base;
    let problem: string;
    let fix: string;
    if (e.propertyName !== undefined) {
      path = [...base, e.propertyName];
      problem = `invalid key ${JSON.stringify(e.propertyName)}`;
      fix = `keys ${expectation(parent)}`;
    } else if (e.keyword === 'required') {
      const key = String(e.params.missingProperty);
      path = [...base, key];
      problem = 'missing';
      fix = expectation(props[key]);
    } else if (e.keyword === 'additionalProperties') {
      const key = String(e.params.additionalProperty);
      path = [...base, key];
      problem = 'unknown key';
      const guess = didYouMean(key, Object.keys(props));
      fix = guess
        ? `did you mean "${guess}"?`
        : `remove it; the keys allowed here are ${Object.keys(props).join(', ')}`;
    } else {
      problem = `got ${renderValue(base, e.data)}`;
      fix = ['anyOf', 'oneOf', 'if', 'not', 'dependentRequired'].includes(e.keyword)
        ? (e.message ?? 'is not valid')
        : expectation(parent);
    }
    const key = formatPath(path);
    if (!byPath.has(key)) byPath.set(key, { path: key, where: where(path), problem, fix });
  }
  return [...byPath.values()];
}
