import { checkManifest, ModuleLoadError } from '../../src/modules/loader';
import { SDK_VERSION, type BridgeModule } from '../../src/sdk';

const mod = (extra: object = {}): BridgeModule<never> =>
  ({
    manifest: { id: 'acme', displayName: 'Acme', sdkVersion: `^${SDK_VERSION}`, capabilities: {} },
    configSchema: { type: 'object' },
    create: () => ({}),
    ...extra,
  }) as unknown as BridgeModule<never>;

describe('checkManifest', () => {
  it('accepts a well-formed module, with or without its own ghost localpart codec', () => {
    expect(() => checkManifest('acme', mod())).not.toThrow();
    const codec = { encode: (id: string) => id, decode: (l: string) => l };
    expect(() => checkManifest('acme', mod({ ghostLocalpart: codec }))).not.toThrow();
  });

  it('refuses, before the database is opened, a codec without encode/decode functions', () => {
    expect(() => checkManifest('acme', mod({ ghostLocalpart: { encode: 'x' } }))).toThrow(ModuleLoadError);
    expect(() => checkManifest('acme', mod({ ghostLocalpart: { encode: 'x' } }))).toThrow(
      /bridges\.acme: module "acme" has a ghostLocalpart without encode\(remoteUserId\) and decode\(localpart\)/,
    );
  });

  it('refuses a bad id, an id that is not the config key, and another SDK major', () => {
    const withManifest = (m: object) => mod({ manifest: { ...mod().manifest, ...m } });
    expect(() => checkManifest('acme', withManifest({ id: 'Acme!' }))).toThrow(/is invalid/);
    expect(() => checkManifest('other', mod())).toThrow(/configure it as bridges\.acme/);
    expect(() => checkManifest('acme', withManifest({ sdkVersion: '^99.0.0' }))).toThrow(/needs SDK \^99/);
  });
});
