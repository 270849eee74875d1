import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { stringify } from 'yaml';
import { registrationFor } from '../../src/cli/commands';
import { parseConfig } from '../../src/config/load';
import { SecretBox } from '../../src/crypto/secret-box';
import type { TestMatrixClient } from '../harness/matrix-test-client';
import { registerUser, TestMatrixClient as Client2 } from '../harness/matrix-test-client';
import { startSynapse, type SynapseInstance } from '../harness/synapse';
import { freePort } from '../support/free-port';
import { freshDatabaseUrl } from '../support/databases';
import { body, loginExample, openManagementRoom, startChat, waitForText } from './e2e-helpers';

jest.setTimeout(180_000);

const ROOT = path.resolve(__dirname, '..', '..');

/** Runs the built CLI as a real process, so it can be killed with SIGKILL. */
function startBridgeProcess(configPath: string, registrationPath: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'bin', 'switchboard.js'), 'start', '-c', configPath, '-r', registrationPath],
    {
      cwd: path.dirname(configPath),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    },
  );
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bridge did not start:\n${output}`)), 30_000);
    const onData = (d: Buffer) => {
      output += d.toString();
      if (output.includes('Switchboard is running')) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`bridge exited with ${code}:\n${output}`)));
  });
}

/**
 * DESIGN §2: an event the homeserver got a 200 for is never lost. A Postgres lock holds the
 * handler after the event was stored and acknowledged; the process is then killed with
 * SIGKILL, and the restarted bridge must deliver the event exactly once.
 */
describe('crash recovery', () => {
  let synapse: SynapseInstance;
  let db: { url: string; drop(): Promise<void> };
  let dir: string;
  let child: ChildProcess | undefined;

  afterAll(async () => {
    child?.kill('SIGKILL');
    await synapse?.stop();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('delivers an acknowledged event exactly once after SIGKILL and restart', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sb-crash-'));
    db = await freshDatabaseUrl();
    const port = await freePort();
    const domain = 'switchboard.test';
    const raw = {
      homeserver: { url: 'http://127.0.0.1:1', domain },
      appservice: {
        port,
        address: `http://127.0.0.1:${port}`,
        as_token: randomBytes(24).toString('hex'),
        hs_token: randomBytes(24).toString('hex'),
      },
      database: { url: db.url, encryption_key: SecretBox.generateKey() },
      permissions: { [domain]: 'user' },
      logging: { level: 'warn' },
      bridges: { example: { enabled: true, contacts: ['alice'], reply_delay_ms: 20 } },
    };
    const registration = registrationFor(parseConfig(stringify(raw), 'crash test', { env: {} }));
    synapse = await startSynapse({ appserviceRegistrations: [registration], serverName: domain });
    const configPath = path.join(dir, 'config.yaml');
    const registrationPath = path.join(dir, 'registration.yaml');
    writeFileSync(configPath, stringify({ ...raw, homeserver: { url: synapse.baseUrl, domain } }));
    writeFileSync(registrationPath, registration);
    child = await startBridgeProcess(configPath, registrationPath);

    const dana: TestMatrixClient = new Client2(synapse.baseUrl, await registerUser(synapse, 'dana'));
    const bot = `@switchboardbot:${domain}`;
    const mgmt = await openManagementRoom(dana, bot);
    await loginExample(dana, mgmt, bot, 'dana');
    const portal = await startChat(dana, mgmt, bot, 'example alice');
    await dana.sendMessage(portal, { msgtype: 'm.text', body: 'before the crash' });
    await waitForText(dana, portal, 'echo: before the crash');

    // Hold the handler after the event is stored and acknowledged, before it reaches the module:
    // portal rows are cached in memory, but the session lookup of a per-login chat reads `login`.
    const locker = new Client({ connectionString: db.url });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE login IN ACCESS EXCLUSIVE MODE');
    const eventId = await dana.sendMessage(portal, { msgtype: 'm.text', body: 'survives' });
    let status: number | undefined;
    for (let i = 0; i < 100 && status === undefined; i++) {
      const res = await locker.query<{ status: number }>('SELECT status FROM as_event WHERE event_id = $1', [
        eventId,
      ]);
      status = res.rows[0]?.status;
      if (status === undefined) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(0); // stored, acknowledged, not handled
    child.kill('SIGKILL');
    await new Promise((r) => child?.once('exit', r));
    await locker.query('ROLLBACK');
    await locker.end();

    child = await startBridgeProcess(configPath, registrationPath);
    await waitForText(dana, portal, 'echo: survives');
    await new Promise((r) => setTimeout(r, 1500)); // room for a duplicate to show up, if there were one
    const echoes = (await dana.messages(portal, { limit: 50 })).filter((e) => body(e) === 'echo: survives');
    expect(echoes).toHaveLength(1);
    const check = new Client({ connectionString: db.url });
    await check.connect();
    const row = await check.query<{ status: number }>('SELECT status FROM as_event WHERE event_id = $1', [
      eventId,
    ]);
    await check.end();
    expect(row.rows[0]?.status).toBe(1);
  });
});
