import { nullLogger as log } from '../../src/logging/logger';
import { SecretBox } from '../../src/crypto/secret-box';
import type { MatrixMedia } from '../../src/matrix/media';
import { createModuleContext, type ContextDeps } from '../../src/modules/context';
import type { NetworkNamespace } from '../../src/matrix/namespaces';
import { Store } from '../../src/store/store';
import { freshDatabase } from '../support/databases';

describe('module context: uploadMedia (SDK 1.3)', () => {
  let store: Store;
  let drop: () => Promise<void>;
  const uploads: string[] = [];
  const media = {
    upload: async (data: Buffer) => {
      uploads.push(data.toString());
      await new Promise((r) => setTimeout(r, 20));
      return `mxc://hs.test/${uploads.length}`;
    },
  } as unknown as MatrixMedia;
  const contextFor = (network: string) =>
    createModuleContext(network, {}, {} as NetworkNamespace, log, { store, media } as unknown as ContextDeps);

  beforeAll(async () => {
    const fresh = await freshDatabase('pglite');
    store = new Store(fresh.db, new SecretBox(SecretBox.generateKey()));
    drop = fresh.drop;
  });
  afterAll(() => drop());

  it('uploads a key once, also when asked for it concurrently and by a later process', async () => {
    const ctx = contextFor('discord');
    const load = async () => ({ data: Buffer.from('party'), mimetype: 'image/png' });
    const [a, b] = await Promise.all([ctx.uploadMedia('emoji:1', load), ctx.uploadMedia('emoji:1', load)]);
    expect(a).toBe('mxc://hs.test/1');
    expect(b).toBe(a);
    // A new context (a restart) finds the URI in the database.
    expect(await contextFor('discord').uploadMedia('emoji:1', load)).toBe(a);
    expect(uploads).toEqual(['party']);
  });

  it('keeps uploads apart from the module’s own keys and from other networks', async () => {
    const ctx = contextFor('discord');
    expect(await ctx.kv.list('')).toEqual([]);
    const other = await contextFor('example').uploadMedia('emoji:1', async () => ({
      data: Buffer.from('other'),
      mimetype: 'image/png',
    }));
    expect(other).not.toBe('mxc://hs.test/1');
  });

  it('does not remember a failed load', async () => {
    const ctx = contextFor('discord');
    await expect(
      ctx.uploadMedia('emoji:2', async () => {
        throw new Error('cdn down');
      }),
    ).rejects.toThrow('cdn down');
    const mxc = await ctx.uploadMedia('emoji:2', async () => ({
      data: Buffer.from('two'),
      mimetype: 'image/png',
    }));
    expect(mxc).toMatch(/^mxc:\/\//);
  });
});
