/**
 * Runs a real Dendrite homeserver for end-to-end tests, the same way synapse.ts runs Synapse and
 * behind the same interface, so a suite can run against either. SQLite, offline (federation
 * off), rate limits off, registration only through the shared secret (Dendrite serves Synapse's
 * `/_synapse/admin/v1/register`). It starts in well under a second: no fixture needed.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import YAML from 'yaml';
import { freePort } from '../support/free-port';
import { portHolder } from '../support/listening';
import { Daemon } from './daemon';
import {
  DEFAULT_SERVER_NAME,
  homeserverInstance,
  type SynapseInstance,
  type SynapseOptions,
} from './synapse';

const run = promisify(execFile);
const ENSURE_SCRIPT = resolve(__dirname, '../../scripts/ensure-dendrite.sh');
const BUILD_TIMEOUT_MS = 10 * 60_000;
const READY_TIMEOUT_MS = 30_000;
const PORT_ATTEMPTS = 3;

let binDir: Promise<string> | undefined;
/** `$DENDRITE_BIN` (set by `npm test`), else what ensure-dendrite.sh builds; memoised. */
const dendriteBin = () =>
  (binDir ??= process.env.DENDRITE_BIN
    ? Promise.resolve(process.env.DENDRITE_BIN)
    : run('bash', [ENSURE_SCRIPT], { timeout: BUILD_TIMEOUT_MS }).then((r) => r.stdout.trim()));

/** A Dendrite for one test file: `serverName` defaults to `switchboard.test`. */
export async function startDendrite(opts: SynapseOptions): Promise<SynapseInstance> {
  const bin = await dendriteBin();
  const serverName = opts.serverName ?? DEFAULT_SERVER_NAME;
  const dataDir = await mkdtemp(join(tmpdir(), 'switchboard-dendrite-'));
  try {
    const sharedSecret = randomBytes(16).toString('hex');
    await writeConfig(bin, dataDir, serverName, sharedSecret, opts.appserviceRegistrations);
    let port = 0;
    let proc: Daemon | undefined;
    for (let attempt = 1; !proc; attempt++) {
      port = await freePort();
      try {
        proc = await launch(bin, dataDir, port);
      } catch (err) {
        if (!(err instanceof PortTaken) || attempt >= PORT_ATTEMPTS) throw err;
      }
    }
    const fields = { baseUrl: `http://127.0.0.1:${port}`, serverName, sharedSecret, dataDir };
    return homeserverInstance(fields, proc, () => launch(bin, dataDir, port));
  } catch (err) {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
}

/** Dendrite's own CI defaults (`generate-config -ci`), adjusted for an offline throw-away server. */
async function writeConfig(
  bin: string,
  dataDir: string,
  serverName: string,
  sharedSecret: string,
  registrations: string[],
): Promise<void> {
  await run(join(bin, 'generate-keys'), ['--private-key', join(dataDir, 'matrix_key.pem')]);
  const generated = await run(join(bin, 'generate-config'), ['-ci', '-dir', dataDir, '-server', serverName]);
  const config = YAML.parse(generated.stdout) as Record<string, Record<string, unknown>>;
  const files: string[] = [];
  for (const [i, yaml] of registrations.entries()) {
    const file = join(dataDir, `appservice-${i}.yaml`);
    await writeFile(file, yaml);
    files.push(file);
  }
  Object.assign(config.global ?? {}, {
    private_key: join(dataDir, 'matrix_key.pem'),
    disable_federation: true,
  });
  Object.assign(config.client_api ?? {}, {
    registration_disabled: true,
    registration_shared_secret: sharedSecret,
    rate_limiting: { enabled: false },
  });
  Object.assign(config.app_service_api ?? {}, { config_files: files });
  config.logging = [{ type: 'std', level: 'warn' }] as unknown as Record<string, unknown>;
  await writeFile(join(dataDir, 'dendrite.yaml'), YAML.stringify(config));
}

class PortTaken extends Error {}

async function launch(bin: string, dataDir: string, port: number): Promise<Daemon> {
  const args = ['-config', join(dataDir, 'dendrite.yaml'), '-http-bind-address', `127.0.0.1:${port}`];
  const daemon = Daemon.spawn(join(bin, 'dendrite'), args, dataDir);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline && daemon.running) {
    // Serving, and on its own socket: another worker's server on the same port does not count.
    const holder = await portHolder(daemon.pid, port);
    if (holder === 'other') {
      await daemon.stop();
      throw new PortTaken(`port ${port} is taken`);
    }
    if (holder === 'self') {
      const res = await fetch(`http://127.0.0.1:${port}/_matrix/client/versions`).catch(() => null);
      if (res?.ok) return daemon;
    }
    await sleep(100);
  }
  await daemon.stop();
  const output = daemon.recentOutput;
  if (/address already in use/i.test(output)) throw new PortTaken(output);
  throw new Error(`Dendrite did not start on port ${port}:\n${output.split('\n').slice(-30).join('\n')}`);
}
