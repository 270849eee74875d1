/**
 * Runs a real Synapse homeserver for end-to-end tests, with the given appservices registered.
 *
 * Each instance gets its own temp data dir (SQLite, media, logs) and a free port on 127.0.0.1, and is
 * offline: no federation, no key servers. The database is copied from a cached fixture (see
 * synapse-fixture.ts). Measured with Synapse 1.163.2 on SQLite, 2 cores: a start from the fixture
 * (spawn until its /.well-known answers) takes ~1.2 s, restart() ~1.2 s, stop() ~40 ms; a first start that
 * builds the schema takes ~2.3 s, so the fixture saves about half of every start, more under load.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DB_FILE, SIGNING_KEY_FILE, writeHomeserverConfig, writeSigningKey } from './synapse-config';
import { ensureFixture } from './synapse-fixture';
import { freePort } from '../support/free-port';
import { PortInUseError, SynapseProcess } from './synapse-process';
import { switchboardCacheDir, synapseInstall } from './synapse-python';

export interface SynapseOptions {
  /** Appservice registration files' contents (YAML), e.g. from registration.ts. */
  appserviceRegistrations: string[];
  /** Need not resolve: clients reach the server at `baseUrl`. Default `switchboard.test`. */
  serverName?: string;
}

export interface SynapseInstance {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  baseUrl: string;
  serverName: string;
  /** For the shared-secret admin registration API (matrix-test-client.ts registerUser). */
  sharedSecret: string;
  /** Holds homeserver.yaml, homeserver.db, homeserver.log and the media store; removed by stop(). */
  dataDir: string;
  /** Stops Synapse and deletes its data dir. */
  stop(): Promise<void>;
  /** Stops and starts Synapse again on the same port and data, e.g. to test reconnects. */
  restart(): Promise<void>;
}

export const DEFAULT_SERVER_NAME = 'switchboard.test';
const PORT_ATTEMPTS = 3;

export async function startSynapse(opts: SynapseOptions): Promise<SynapseInstance> {
  const { python, version } = await synapseInstall();
  const serverName = opts.serverName ?? DEFAULT_SERVER_NAME;
  const fixture = await ensureFixture(
    join(switchboardCacheDir(), `synapse-fixture-${version}-${serverName}`),
    (into) => buildFixture(python, serverName, into),
  );
  const dataDir = await mkdtemp(join(tmpdir(), 'switchboard-synapse-'));
  try {
    for (const file of await readdir(fixture)) await copyFile(join(fixture, file), join(dataDir, file));
    const appserviceFiles: string[] = [];
    for (const [i, yaml] of opts.appserviceRegistrations.entries()) {
      const file = join(dataDir, `appservice-${i}.yaml`);
      await writeFile(file, yaml);
      appserviceFiles.push(file);
    }
    const sharedSecret = randomBytes(16).toString('hex');
    const { port, proc } = await launchOnFreePort(python, {
      dataDir,
      serverName,
      sharedSecret,
      appserviceFiles,
    });
    const baseUrl = `http://127.0.0.1:${port}`;
    const relaunch = () => SynapseProcess.launch(python, dataDir, baseUrl);
    return homeserverInstance({ dataDir, serverName, sharedSecret, baseUrl }, proc, relaunch);
  } catch (err) {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * A running homeserver as the tests hold it (Synapse here, Dendrite in dendrite.ts): `stop` ends
 * the process and deletes its data; `restart` relaunches it on the same data and port.
 */
export function homeserverInstance(
  fields: Omit<SynapseInstance, 'stop' | 'restart'>,
  proc: { stop(): Promise<void> },
  relaunch: () => Promise<{ stop(): Promise<void> }>,
): SynapseInstance {
  let current: { stop(): Promise<void> } | undefined = proc;
  return {
    ...fields,
    async stop() {
      await current?.stop();
      current = undefined;
      await rm(fields.dataDir, { recursive: true, force: true });
    },
    async restart() {
      await current?.stop();
      current = undefined;
      current = await relaunch();
    },
  };
}

/** Writes the config for a free port and starts Synapse, retrying when another process took the port. */
async function launchOnFreePort(
  python: string,
  config: { dataDir: string; serverName: string; sharedSecret: string; appserviceFiles: string[] },
): Promise<{ port: number; proc: SynapseProcess }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    await writeHomeserverConfig({ ...config, port });
    try {
      return { port, proc: await SynapseProcess.launch(python, config.dataDir, `http://127.0.0.1:${port}`) };
    } catch (err) {
      if (!(err instanceof PortInUseError) || attempt >= PORT_ATTEMPTS) throw err;
    }
  }
}

/**
 * One start of an empty homeserver, so that Synapse creates its schema; keeps its signing key and its
 * SQLite files. Synapse runs SQLite in WAL mode: a `-wal` file left by the shutdown is part of the
 * database, and copying it along with the DB of a stopped server is consistent.
 */
async function buildFixture(python: string, serverName: string, into: string): Promise<void> {
  const scratch = await mkdtemp(join(tmpdir(), 'switchboard-synapse-fixture-'));
  try {
    await writeSigningKey(scratch);
    const sharedSecret = randomBytes(16).toString('hex');
    const { proc } = await launchOnFreePort(python, {
      dataDir: scratch,
      serverName,
      sharedSecret,
      appserviceFiles: [],
    });
    await proc.stop();
    // Not the -shm index: SQLite rebuilds it on open.
    const keep = [SIGNING_KEY_FILE, DB_FILE, `${DB_FILE}-wal`].filter((f) => existsSync(join(scratch, f)));
    for (const file of keep) await copyFile(join(scratch, file), join(into, file));
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
