/**
 * A real InspIRCd 3 for tests: generated config in a temp dir (template test/irc/inspircd.conf),
 * loopback listeners on free ports, foreground process, stopped and removed by stop(). With
 * `withServices` an Atheme is linked to it (test/harness/atheme.ts) for SASL and NickServ.
 * Also holds the small process helpers both daemons use.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startAtheme, type AthemeServices } from './atheme';
import { Daemon, OUTPUT_KEEP } from './daemon';
import { freePort } from '../support/free-port';
import { portHolder } from '../support/listening';

const IRCD_NAME = 'irc.switchboard.test';
const SERVICES_NAME = 'services.switchboard.test';
const MODULE_DIR = '/usr/lib/inspircd/modules';
const READY_TIMEOUT_MS = 15_000;
const PORT_ATTEMPTS = 3;

export interface InspircdOptions {
  /** Client port; a free one when absent. */
  port?: number;
  /** Also start Atheme linked to this server, and wait until it offers SASL. */
  withServices?: boolean;
}

export interface InspircdServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** Server-to-server port Atheme links to. */
  readonly serverPort: number;
  /** The server's name, as in the prefix of its numerics. */
  readonly name: string;
  /** Present when started with `withServices`. */
  readonly services: AthemeServices | undefined;
  /** Stops Atheme and InspIRCd and removes the temp dir. */
  stop(): Promise<void>;
  /** Stops InspIRCd (clients see it close) and starts it again on the same ports and config. */
  restart(): Promise<void>;
}

export async function startInspircd(opts: InspircdOptions = {}): Promise<InspircdServer> {
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-inspircd-'));
  const linkPassword = `link-${process.pid}-${Date.now()}`;
  const config = join(dir, 'inspircd.conf');
  const optional = existsSync(join(MODULE_DIR, 'm_ircv3_msgid.so')) ? '<module name="ircv3_msgid">' : '';
  let [port, serverPort] = [0, 0];
  const launch = async (): Promise<Daemon> => {
    // --runasroot: CI runs as root, which InspIRCd otherwise refuses. --nopid: the pid is ours.
    const args = [
      '--config',
      config,
      '--nofork',
      '--nopid',
      ...(process.getuid?.() === 0 ? ['--runasroot'] : []),
    ];
    const daemon = Daemon.spawn(binary('inspircd', '/usr/sbin/inspircd'), args, dir);
    await waitForPorts([port, serverPort], daemon, join(dir, 'ircd.log'));
    return daemon;
  };

  // The ports are free when picked, not when InspIRCd binds them: another test may come between.
  const launchOnFreePorts = async (): Promise<Daemon> => {
    for (let attempt = 1; ; attempt++) {
      [port, serverPort] = [opts.port ?? (await freePort()), await freePort()];
      const values = { PORT: String(port), SERVER_PORT: String(serverPort), LINK_PASSWORD: linkPassword };
      const names = { DIR: dir, IRCD_NAME, SERVICES_NAME, OPTIONAL_MODULES: optional };
      await writeFile(config, await renderTemplate('inspircd.conf', { ...values, ...names }));
      try {
        return await launch();
      } catch (err) {
        if (!(err instanceof PortTakenError) || attempt >= PORT_ATTEMPTS) throw err;
      }
    }
  };
  let ircd = await launchOnFreePorts().catch(async (err: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw err;
  });
  let services: AthemeServices | undefined;
  try {
    if (opts.withServices) {
      services = await startAtheme({
        dir,
        ircdName: IRCD_NAME,
        servicesName: SERVICES_NAME,
        serverPort,
        linkPassword,
        clientPort: port,
      });
    }
  } catch (err) {
    await ircd.stop();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    host: '127.0.0.1',
    port,
    serverPort,
    name: IRCD_NAME,
    services,
    async stop() {
      await services?.stop();
      await ircd.stop();
      await rm(dir, { recursive: true, force: true });
    },
    async restart() {
      await ircd.stop();
      ircd = await launch();
      // Atheme relinks by itself (recontime 1 s); SASL is only offered once it has.
      await services?.waitUntilLinked();
    },
  };
}

/** test/irc/<name> with every {{KEY}} replaced; a placeholder left over is a harness bug. */
export async function renderTemplate(name: string, values: Record<string, string>): Promise<string> {
  const template = await readFile(join(__dirname, '..', 'irc', name), 'utf8');
  const text = template.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => values[key] ?? whole);
  const missing = /\{\{\w+\}\}/.exec(text);
  if (missing) throw new Error(`${name}: no value for ${missing[0]}`);
  return text;
}

/** The Debian path when present (/usr/sbin is not on every PATH), else the bare name. */
export function binary(name: string, debianPath: string): string {
  return existsSync(debianPath) ? debianPath : name;
}

/** Another process listens on a port the daemon was to use: pick other ports and start again. */
class PortTakenError extends Error {}

/**
 * Ready once the daemon itself listens on all its ports and accepts: any answer on the port is
 * not enough, as another test's daemon may hold it (InspIRCd only warns when a bind fails).
 */
async function waitForPorts(ports: number[], daemon: Daemon, logFile: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline && daemon.running) {
    const holders = await Promise.all(ports.map((p) => portHolder(daemon.pid, p)));
    if (holders.includes('other')) {
      await daemon.stop();
      throw new PortTakenError(`ports ${ports.join(', ')}: ${holders.join(', ')}`);
    }
    if (holders.every((h) => h === 'self') && (await accepts(ports[0] as number))) return;
    await sleep(50);
  }
  const log = await readFile(logFile, 'utf8').catch(() => '');
  await daemon.stop();
  throw new Error(
    `InspIRCd did not accept connections on ${ports.join(', ')}:\n${daemon.recentOutput}\n${log.slice(-OUTPUT_KEEP)}`,
  );
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
