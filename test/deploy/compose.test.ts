import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import schema from './compose-spec-subset.schema.json';

const ROOT = path.join(__dirname, '..', '..');
const read = (f: string) => readFileSync(path.join(ROOT, f), 'utf8');

type Service = {
  build?: { context?: string; dockerfile?: string };
  depends_on?: Record<string, unknown>;
  volumes?: string[];
};
type Compose = { services: Record<string, Service>; volumes?: Record<string, unknown> };

/**
 * docker-compose.yml, checked without Docker (it cannot run here): against the compose
 * specification's schema (the subset in compose-spec-subset.schema.json), and for what the
 * schema cannot see: references between services, volumes, files and .env variables.
 */
describe('docker-compose.yml', () => {
  const validate = new Ajv({ allErrors: true, allowUnionTypes: true }).compile(schema);
  const text = read('docker-compose.yml');
  const compose = parse(text) as Compose;

  it('validates against the compose specification schema', () => {
    const ok = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the schema is strict enough to catch mistakes', () => {
    const broken = (mutate: (c: Compose & Record<string, unknown>) => void) => {
      const c = structuredClone(compose) as Compose & Record<string, unknown>;
      mutate(c);
      return validate(c);
    };
    expect(broken((c) => (c.servics = {}))).toBe(false);
    expect(broken((c) => ((c.services.switchboard as Record<string, unknown>).restrat = 'always'))).toBe(
      false,
    );
    expect(
      broken(
        (c) => ((c.services.switchboard as Service).depends_on = { postgres: { condition: 'when_ready' } }),
      ),
    ).toBe(false);
    expect(broken((c) => ((c.services.postgres as Record<string, unknown>).healthcheck = { test: 1 }))).toBe(
      false,
    );
  });

  it('runs Postgres, Synapse and Switchboard, built from this Dockerfile', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['postgres', 'switchboard', 'synapse']);
    const build = compose.services.switchboard?.build;
    expect(existsSync(path.join(ROOT, build?.context ?? '', build?.dockerfile ?? 'Dockerfile'))).toBe(true);
  });

  it('refers only to services, volumes and files that exist', () => {
    const named = Object.keys(compose.volumes ?? {});
    for (const [name, s] of Object.entries(compose.services)) {
      for (const dep of Object.keys(s.depends_on ?? {}))
        expect([name, dep, dep in compose.services]).toEqual([name, dep, true]);
      for (const v of s.volumes ?? []) {
        const source = v.split(':')[0] ?? '';
        if (source.startsWith('./contrib')) expect(existsSync(path.join(ROOT, source))).toBe(true);
        else if (!source.startsWith('.') && !source.startsWith('/')) expect(named).toContain(source);
      }
    }
  });

  it('takes every variable it interpolates from contrib/docker/env.example', () => {
    const used = new Set([...text.matchAll(/\$\{([A-Z_]+)/g)].map((m) => m[1]));
    const documented = new Set(
      [...read('contrib/docker/env.example').matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]),
    );
    expect([...used].filter((v) => !documented.has(v))).toEqual([]);
  });
});
