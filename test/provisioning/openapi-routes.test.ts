import { createProvisioningApp } from '../../src/provisioning/api';
import type { ProvisioningDeps } from '../../src/provisioning/deps';
import { OpenApiContract } from './openapi-contract';

type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };

/** Every route the app registers, as `METHOD /path` with OpenAPI's `{param}` syntax. */
function routesOf(stack: readonly Layer[]): string[] {
  return stack.flatMap((layer) => {
    if (layer.route) {
      const p = layer.route.path.replace(/:(\w+)/g, '{$1}');
      return Object.keys(layer.route.methods).map((m) => `${m.toUpperCase()} ${p}`);
    }
    return layer.handle?.stack ? routesOf(layer.handle.stack) : [];
  });
}

describe('docs/openapi.yaml and the implementation', () => {
  it('document exactly the same operations', () => {
    // Registering routes touches no dependency, so an empty stand-in is enough here.
    const app = createProvisioningApp({ log: { child: () => ({}) } } as unknown as ProvisioningDeps, {
      requestsPerMinute: 1,
    });
    const stack = (app as unknown as { router: { stack: Layer[] } }).router.stack;
    const implemented = routesOf(stack)
      .filter((r) => r.includes(' /v1/'))
      .sort();
    expect(implemented).toEqual(new OpenApiContract().operations().sort());
  });

  it('rejects an answer the document does not allow', () => {
    const c = new OpenApiContract();
    expect(() => c.check('GET', '/v1/networks', 200, { networks: [{ id: 'x' }] })).toThrow(/does not match/);
    expect(() => c.check('GET', '/v1/networks', 418, {})).toThrow(/does not document/);
    expect(() => c.check('GET', '/v1/unknown', 200, {})).toThrow(/not documented/);
    expect(() =>
      c.check('POST', '/v1/chats', 400, { errcode: 'M_MISSING_PARAM', error: '`network` is required' }),
    ).not.toThrow();
  });
});
