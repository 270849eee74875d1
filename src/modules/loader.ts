import path from 'node:path';
import semver from 'semver';
import { SDK_VERSION } from '../sdk';
import type { BridgeModule } from '../sdk/module';

/** A module could not be loaded or does not fit this core; the message says what to do. */
export class ModuleLoadError extends Error {
  override readonly name = 'ModuleLoadError';
}

export const BUILT_IN_MODULES = ['example', 'irc', 'discord', 'whatsapp'] as const;

function isBridgeModule(v: unknown): v is BridgeModule<never> {
  const m = v as Partial<BridgeModule<never>> | null;
  return !!m && typeof m === 'object' && typeof m.create === 'function' && typeof m.manifest?.id === 'string';
}

/**
 * Loads the module for `bridges.<id>`: a built-in one by id, or a third-party one from the
 * section's `module:` (a path, relative to `baseDir`, or an npm package name), then checks
 * it: a default export that is a module, the id it declares, and the SDK version range.
 */
export async function loadModule(
  id: string,
  modulePath: string | undefined,
  baseDir: string,
): Promise<BridgeModule<never>> {
  let specifier: string;
  if (modulePath) {
    specifier =
      modulePath.startsWith('.') || path.isAbsolute(modulePath)
        ? path.resolve(baseDir, modulePath)
        : resolvePackage(modulePath, baseDir);
  } else if ((BUILT_IN_MODULES as readonly string[]).includes(id)) {
    // Resolves in both trees: src/modules → bridges/<id> when run from source, dist/src/modules → dist/bridges/<id> when built.
    specifier = path.join(__dirname, '..', '..', 'bridges', id, 'index');
  } else {
    throw new ModuleLoadError(
      `bridges.${id}: there is no built-in module "${id}"; set bridges.${id}.module to the path or npm package of the module`,
    );
  }
  let loaded: unknown;
  try {
    loaded = await importModule(specifier);
  } catch (err) {
    throw new ModuleLoadError(
      `bridges.${id}: cannot load module "${modulePath ?? id}": ${(err as Error).message}`,
    );
  }
  const candidate = (loaded as { default?: unknown }).default ?? loaded;
  const mod = isBridgeModule(candidate) ? candidate : (candidate as { default?: unknown }).default;
  if (!isBridgeModule(mod)) {
    throw new ModuleLoadError(
      `bridges.${id}: "${modulePath ?? id}" does not default-export a bridge module (an object with manifest and create)`,
    );
  }
  checkManifest(id, mod);
  return mod;
}

export function checkManifest(id: string, mod: BridgeModule<never>): void {
  const m = mod.manifest;
  if (!/^[a-z][a-z0-9]{0,31}$/.test(m.id)) {
    throw new ModuleLoadError(
      `module id "${m.id}" is invalid: use 1-32 lower-case letters and digits, starting with a letter`,
    );
  }
  if (m.id !== id)
    throw new ModuleLoadError(
      `bridges.${id}: the module declares id "${m.id}"; configure it as bridges.${m.id}`,
    );
  const codec = mod.ghostLocalpart as { encode?: unknown; decode?: unknown } | undefined;
  if (codec && (typeof codec.encode !== 'function' || typeof codec.decode !== 'function'))
    throw new ModuleLoadError(
      `bridges.${id}: module "${m.id}" has a ghostLocalpart without encode(remoteUserId) and decode(localpart) functions`,
    );
  if (!semver.validRange(m.sdkVersion) || !semver.satisfies(SDK_VERSION, m.sdkVersion)) {
    throw new ModuleLoadError(
      `bridges.${id}: module "${m.id}" needs SDK ${m.sdkVersion}, but this Switchboard provides SDK ${SDK_VERSION}; upgrade the module or Switchboard`,
    );
  }
}

async function importModule(specifier: string): Promise<unknown> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(specifier);
  } catch (err) {
    // ESM-only packages that `require` cannot load synchronously (top-level await).
    if ((err as { code?: string }).code !== 'ERR_REQUIRE_ASYNC_MODULE') throw err;
    return import(specifier);
  }
}

/** A package is looked up next to the config first (a plugin installed there), then next to the core. */
function resolvePackage(name: string, baseDir: string): string {
  try {
    return require.resolve(name, { paths: [baseDir, __dirname] });
  } catch {
    return name; // let the import report it
  }
}
