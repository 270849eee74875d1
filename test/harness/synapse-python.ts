/** Locates the Python that runs Synapse, installing it through scripts/ensure-synapse.sh when needed. */
import { execFile } from 'node:child_process';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ENSURE_SCRIPT = resolve(__dirname, '../../scripts/ensure-synapse.sh');
// A first install downloads matrix-synapse and its dependencies from PyPI.
const INSTALL_TIMEOUT_MS = 10 * 60_000;

export interface SynapseInstall {
  /** Runs Synapse as `python -m synapse.app.homeserver`. */
  python: string;
  /** e.g. `1.163.2`: a prepared-database fixture is only valid for the version that made it. */
  version: string;
}

/** Where fixtures and the harness' own Synapse venv live across runs. */
export function switchboardCacheDir(): string {
  return process.env.SWITCHBOARD_CACHE || join(homedir(), '.cache', 'switchboard');
}

let install: Promise<SynapseInstall> | undefined;

/** `$SYNAPSE_PYTHON` (set by `npm test`), else whatever ensure-synapse.sh provides; memoised per process. */
export function synapseInstall(): Promise<SynapseInstall> {
  install ??= locate();
  return install;
}

async function locate(): Promise<SynapseInstall> {
  const python =
    process.env.SYNAPSE_PYTHON ||
    (await run('bash', [ENSURE_SCRIPT], { timeout: INSTALL_TIMEOUT_MS })).stdout.trim();
  const { stdout } = await run(python, ['-c', 'import synapse; print(synapse.__version__)']);
  return { python, version: stdout.trim() };
}
