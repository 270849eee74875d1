import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { renderRegistrationExample } from '../matrix/registration';
import type { JsonObject } from '../sdk/ids';
import type { BridgeModule, JsonSchema } from '../sdk/module';
import { packageRoot } from '../util/package-root';
import { CORE_SCHEMA } from './schema';

/** A module's part of the sample: its config schema and the values to show. */
export interface ModuleSampleInfo {
  readonly schema: JsonSchema;
  readonly sample?: JsonObject;
}

export interface SampleOptions {
  /** Values merged over the sample's, e.g. generated tokens for a first-run config. */
  readonly values?: JsonObject;
  /** Replaces the header comment (one line per array item, without `#`). */
  readonly header?: readonly string[];
}

/** The command that regenerates the checked-in files, quoted by the staleness test. */
export const REGENERATE_COMMAND = 'npm run build && node dist/src/config/sample.js';

const DEFAULT_HEADER = [
  'Switchboard configuration sample.',
  `Generated from the config schemas by \`${REGENERATE_COMMAND}\`; do not edit by hand.`,
  'Copy it to config.yaml and replace every CHANGE_ME (the bridge refuses to start until you do).',
  'Environment variables override these keys when set: SWITCHBOARD_AS_TOKEN (appservice.as_token),',
  'SWITCHBOARD_HS_TOKEN (appservice.hs_token), SWITCHBOARD_DATABASE_URL (database.url).',
];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const props = (schema: unknown): Obj => (isObj(schema) && isObj(schema.properties) ? schema.properties : {});

function firstExample(schema: Obj): unknown {
  return Array.isArray(schema.examples) ? (schema.examples[0] as unknown) : undefined;
}

/** The value a schema shows in the sample: its example, its default, or its filled-in properties. */
function sampleOf(schema: unknown): unknown {
  if (!isObj(schema)) return undefined;
  const ex = firstExample(schema);
  if (ex !== undefined) return ex;
  if (isObj(schema.properties)) {
    const required = Array.isArray(schema.required) ? schema.required : [];
    const out: Obj = {};
    for (const [key, sub] of Object.entries(schema.properties)) {
      // Optional keys without a default are shown commented out instead.
      if (!required.includes(key) && !(isObj(sub) && 'default' in sub)) continue;
      const v = sampleOf(sub);
      if (v !== undefined) out[key] = v;
    }
    return out;
  }
  return schema.default;
}

function merge(base: unknown, over: unknown): unknown {
  if (!isObj(base) || !isObj(over)) return over === undefined ? base : over;
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = merge(base[k], v);
  return out;
}

function comment(lines: string[], pad: string, text: unknown): void {
  if (typeof text !== 'string') return;
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(' ')) {
      if (line && pad.length + line.length + word.length > 100) {
        lines.push(`${pad}# ${line}`);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    lines.push(`${pad}# ${line}`);
  }
}

const key = (k: string): string => stringify(k).trim();
const scalar = (v: unknown): string =>
  typeof v === 'string' && v.includes('\n')
    ? JSON.stringify(v)
    : stringify(v, { collectionStyle: 'flow', lineWidth: 0 }).trim();

function emitMapping(lines: string[], schema: unknown, value: Obj, indent: number): void {
  const pad = ' '.repeat(indent);
  const known = props(schema);
  const extra = isObj(schema) && isObj(schema.additionalProperties) ? schema.additionalProperties : undefined;
  const keys = [...Object.keys(known), ...Object.keys(value).filter((k) => !(k in known))];
  for (const k of keys) {
    const sub = known[k] ?? extra;
    const v = value[k];
    if (v === undefined) {
      const ex = isObj(sub) ? firstExample(sub) : undefined;
      if (ex === undefined) continue;
      comment(lines, pad, isObj(sub) ? sub.description : undefined);
      lines.push(`${pad}# ${key(k)}: ${scalar(ex)}`);
      continue;
    }
    // Entries of a free-form map (permissions) share one description: shown on the map itself.
    if (k in known) comment(lines, pad, isObj(sub) ? sub.description : undefined);
    if (isObj(v) && Object.keys(v).length > 0) {
      lines.push(`${pad}${key(k)}:`);
      emitMapping(lines, sub, v, indent + 2);
    } else if (Array.isArray(v) && v.length > 0) {
      lines.push(`${pad}${key(k)}:`);
      const items = isObj(sub) ? sub.items : undefined;
      for (const [n, item] of v.entries()) {
        if (!isObj(item) || Object.keys(item).length === 0) {
          lines.push(`${pad}  - ${scalar(item)}`);
          continue;
        }
        const start = lines.length;
        // Comments on the first item only: repeating them for every item is noise.
        emitMapping(lines, n === 0 ? items : undefined, item, indent + 4);
        const first = lines.findIndex((l, i) => i >= start && !l.trimStart().startsWith('#'));
        const line = lines[first];
        if (line !== undefined) lines[first] = `${pad}  - ${line.slice(indent + 4)}`;
      }
    } else lines.push(`${pad}${key(k)}: ${scalar(v)}`);
    if (indent === 0) lines.push('');
  }
}

/**
 * Renders the commented sample config: the core sections from the core schema, then one
 * `bridges.<id>` section per module from its schema and `sampleConfig`. Descriptions become
 * comments; optional keys without a default appear commented out with their example.
 *
 * @example
 * const text = renderSampleConfig({ irc: { schema: irc.configSchema, sample: irc.sampleConfig } });
 */
export function renderSampleConfig(
  moduleSchemas: Readonly<Record<string, ModuleSampleInfo>>,
  options: SampleOptions = {},
): string {
  const bridgeSchema = (CORE_SCHEMA.properties as Obj).bridges as Obj;
  const coreEntry = bridgeSchema.additionalProperties as Obj;
  const bridgeProps: Obj = {};
  const bridgeValues: Obj = {};
  for (const id of Object.keys(moduleSchemas).sort()) {
    const info = moduleSchemas[id];
    if (!info) continue;
    const schema = info.schema;
    bridgeProps[id] = {
      description: schema.description ?? schema.title ?? `The ${id} network.`,
      properties: {
        enabled: props(coreEntry).enabled,
        ...props(schema),
        // Shown commented out with this network's actual default.
        ghost_prefix: { ...(props(coreEntry).ghost_prefix as Obj), examples: [`${id}_`] },
        alias_prefix: { ...(props(coreEntry).alias_prefix as Obj), examples: [`${id}_`] },
        role_power_levels: props(coreEntry).role_power_levels,
      },
      additionalProperties: schema.additionalProperties,
    };
    bridgeValues[id] = merge({ enabled: false, ...(sampleOf(schema) as Obj | undefined) }, info.sample ?? {});
  }
  const schema = {
    ...CORE_SCHEMA,
    properties: { ...(CORE_SCHEMA.properties as Obj), bridges: { ...bridgeSchema, properties: bridgeProps } },
  };
  const value = merge(
    { ...(sampleOf(CORE_SCHEMA) as Obj), bridges: bridgeValues },
    options.values ?? {},
  ) as Obj;
  const lines: string[] = [];
  for (const line of options.header ?? DEFAULT_HEADER) lines.push(line ? `# ${line}` : '#');
  lines.push('');
  emitMapping(lines, schema, value, 0);
  return lines.join('\n').trimEnd() + '\n';
}

/**
 * The config schema and sample of every built-in module (`bridges/<id>/index.ts`, or `.js`
 * when running compiled); folders without an index are skipped.
 *
 * @example
 * renderSampleConfig(await loadBuiltinModuleSamples());
 */
export async function loadBuiltinModuleSamples(
  dir = path.join(__dirname, '..', '..', 'bridges'),
): Promise<Record<string, ModuleSampleInfo>> {
  const out: Record<string, ModuleSampleInfo> = {};
  if (!existsSync(dir)) return out;
  const ext = path.extname(__filename); // .ts under jest, .js from dist/
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name, `index${ext}`);
    if (!entry.isDirectory() || !existsSync(file)) continue;
    const ns = (await import(file)) as { default?: unknown };
    // Node's import() of a compiled CommonJS module puts `exports.default` one level deeper.
    let mod = ns.default;
    if (isObj(mod) && !('configSchema' in mod) && 'default' in mod) mod = mod.default;
    if (!isObj(mod) || !isObj(mod.configSchema))
      throw new Error(`${file} does not default-export a BridgeModule`);
    const bridge = mod as unknown as BridgeModule;
    out[bridge.manifest.id] = { schema: bridge.configSchema, sample: bridge.sampleConfig };
  }
  return out;
}

/**
 * Regenerates the checked-in `config.sample.yaml` (built-in modules) and
 * `registration.yaml.example` at the package root; returns the paths written.
 *
 * @example
 * // npm run build && node dist/src/config/sample.js
 * await writeSampleConfig();
 */
export async function writeSampleConfig(root = packageRoot()): Promise<string[]> {
  const sample = path.join(root, 'config.sample.yaml');
  const registration = path.join(root, 'registration.yaml.example');
  writeFileSync(sample, renderSampleConfig(await loadBuiltinModuleSamples()));
  writeFileSync(registration, renderRegistrationExample());
  return [sample, registration];
}

if (require.main === module) {
  writeSampleConfig().then(
    (written) => console.log(`wrote ${written.join(', ')}`),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
