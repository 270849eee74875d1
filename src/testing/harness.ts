/**
 * Where the kit gets its homeserver and core: the same harness as the e2e tests (a real Synapse,
 * the bridge in-process on Postgres or PGlite). The harness lives in test/ and is compiled into
 * dist/test/ along with the kit, so `switchboard/testing` works from an installed package too.
 */
import { startBridgeHarness, type BridgeHarness } from '../../test/support/bridge-harness';
import type { BridgeModule } from '../sdk';

export type { BridgeHarness } from '../../test/support/bridge-harness';
export type { TestMatrixClient, MatrixEvent } from '../../test/harness/matrix-test-client';

/** Fails early, with what to install, instead of deep inside the harness. */
export function preflight(backend: 'postgres' | 'pglite'): void {
  // From the repo (TypeScript sources) the harness installs Synapse itself via scripts/ensure-synapse.sh;
  // a compiled, installed copy has no scripts/ next to it and needs to be told where Synapse is.
  if (!__filename.endsWith('.ts') && !process.env.SYNAPSE_PYTHON) {
    throw new Error(
      'The conformance kit runs a real Synapse homeserver: set SYNAPSE_PYTHON to a Python that has ' +
        'matrix-synapse installed (python3 -m venv syn && syn/bin/pip install matrix-synapse).',
    );
  }
  if (backend === 'postgres' && !process.env.SWITCHBOARD_TEST_PG_URL) {
    throw new Error(
      'backend "postgres" needs SWITCHBOARD_TEST_PG_URL (a role that may CREATE DATABASE); leave it unset to use PGlite.',
    );
  }
}

/** Postgres when the test environment offers one (CI), else embedded PGlite (a plugin's laptop). */
export const defaultBackend = (): 'postgres' | 'pglite' =>
  process.env.SWITCHBOARD_TEST_PG_URL ? 'postgres' : 'pglite';

/** Starts Synapse and the core with only the module under test enabled. */
export function startKitHarness(
  mod: BridgeModule<never>,
  config: Readonly<Record<string, unknown>>,
  backend: 'postgres' | 'pglite',
): Promise<BridgeHarness> {
  const id = mod.manifest.id;
  return startBridgeHarness({
    bridges: { [id]: { ...config, enabled: true } },
    modules: new Map([[id, mod]]),
    backend,
  });
}
