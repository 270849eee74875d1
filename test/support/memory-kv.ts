import type { ModuleKv } from '../../src/sdk';

/**
 * A module key-value store in memory, for unit tests and benches: `data` holds the values (pass a
 * map to inspect it), `encrypted` the keys last set with `{ encrypt: true }`.
 */
export function memoryKv(data = new Map<string, Buffer>(), encrypted = new Set<string>()): ModuleKv {
  return {
    get: async (key) => data.get(key) ?? null,
    async set(key, value, o) {
      data.set(key, Buffer.from(value));
      if (o?.encrypt) encrypted.add(key);
      else encrypted.delete(key);
    },
    async delete(key) {
      data.delete(key);
      encrypted.delete(key);
    },
    list: async (prefix) => [...data.keys()].filter((k) => k.startsWith(prefix)).sort(),
  };
}
