import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { registerUser, TestMatrixClient } from '../harness/matrix-test-client';
import { startSynapse, type SynapseInstance } from '../harness/synapse';
import { freePort } from '../support/free-port';
import { command, openManagementRoom } from './e2e-helpers';

jest.setTimeout(120_000);

const CLI = path.resolve(__dirname, '..', '..', 'bin', 'switchboard.js');
const env = { ...process.env, NODE_OPTIONS: '' };

function startCli(cwd: string, args: string[]): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [CLI, 'start', ...args], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start:\n${out}`)), 30_000);
    const on = (d: Buffer) => {
      out += d.toString();
      if (out.includes('Switchboard is running')) {
        clearTimeout(timer);
        resolve({ child, output: () => out });
      }
    };
    child.stdout?.on('data', on);
    child.stderr?.on('data', on);
    child.once('exit', (code) => reject(new Error(`exited ${code}:\n${out}`)));
  });
}

async function stopCli(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/**
 * The README's first command on a fresh directory: `switchboard start` writes config.yaml and
 * registration.yaml, runs on the embedded database, and once the homeserver loads the
 * registration, `doctor` passes and the bot answers in a DM.
 */
describe('first run of the CLI', () => {
  let dir: string;
  let synapse: SynapseInstance | undefined;
  afterAll(async () => {
    await synapse?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes config and registration, then works with a homeserver that loads them', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sb-first-run-'));
    const port = await freePort();
    const args = [
      '--domain',
      'switchboard.test',
      '--homeserver',
      'http://127.0.0.1:9',
      '--port',
      String(port),
    ];
    const first = await startCli(dir, args);
    expect(first.output()).toContain('app_service_config_files: [');
    await stopCli(first.child);
    expect(existsSync(path.join(dir, 'data', 'pglite'))).toBe(true);
    const registration = readFileSync(path.join(dir, 'registration.yaml'), 'utf8');
    expect(registration).toContain(`url: http://127.0.0.1:${port}`);

    synapse = await startSynapse({ appserviceRegistrations: [registration], serverName: 'switchboard.test' });
    const configPath = path.join(dir, 'config.yaml');
    const config = readFileSync(configPath, 'utf8').replace('http://127.0.0.1:9', synapse.baseUrl);
    writeFileSync(configPath, config);

    const doctor = spawnSync(process.execPath, [CLI, 'doctor'], { cwd: dir, env, encoding: 'utf8' });
    expect(doctor.stdout).toMatch(/✓ homeserver: .* accepts our tokens and reaches us/);
    expect(doctor.status).toBe(0);

    const second = await startCli(dir, []);
    try {
      const user = new TestMatrixClient(synapse.baseUrl, await registerUser(synapse, 'newbie'));
      const bot = '@switchboardbot:switchboard.test';
      const room = await openManagementRoom(user, bot);
      await command(user, room, bot, 'help', 'login <network>');
    } finally {
      await stopCli(second.child);
    }
  });

  it('refuses a bad config with the key and the fix, without touching the database', async () => {
    const bad = mkdtempSync(path.join(tmpdir(), 'sb-bad-config-'));
    try {
      writeFileSync(
        path.join(bad, 'config.yaml'),
        'homeserver: { domain: example.org }\nappservice: { port: 70000, address: http://x, as_token: short, hs_token: short }\ndatabase: { encryption_key: nope }\nbridges: {}\n',
      );
      const res = spawnSync(process.execPath, [CLI, 'start'], { cwd: bad, env, encoding: 'utf8' });
      expect(res.status).toBe(1);
      expect(res.stderr).toMatch(/appservice\.port.*70000.*between 1 and 65535/);
      expect(res.stderr).toMatch(/database\.encryption_key/);
      expect(existsSync(path.join(bad, 'data'))).toBe(false);
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });
});
