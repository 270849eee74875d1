/**
 * Atheme 7.2 services linked to the harness InspIRCd (started through startInspircd({ withServices })),
 * so tests can log in with SASL PLAIN and NickServ IDENTIFY. Config from test/irc/atheme.conf, opensex
 * database in the InspIRCd temp dir.
 */
import { writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'irc-framework';
import { Daemon } from './daemon';
import { binary, renderTemplate } from './inspircd';

const LINK_TIMEOUT_MS = 20_000;
const REGISTER_TIMEOUT_MS = 10_000;

export interface AthemeLink {
  /** Directory for config, database and logs (the InspIRCd temp dir, removed with it). */
  dir: string;
  ircdName: string;
  servicesName: string;
  /** InspIRCd's server-to-server port and the password both sides use. */
  serverPort: number;
  linkPassword: string;
  /** InspIRCd's client port, for registerAccount and the link check. */
  clientPort: number;
}

export interface AthemeServices {
  /** Registers `nick` as an account via NickServ REGISTER; rejects with NickServ's answer on refusal. */
  registerAccount(nick: string, password: string): Promise<void>;
  /** Resolves once InspIRCd offers SASL, i.e. Atheme is linked (again, after an InspIRCd restart). */
  waitUntilLinked(): Promise<void>;
  stop(): Promise<void>;
}

export async function startAtheme(link: AthemeLink): Promise<AthemeServices> {
  const config = join(link.dir, 'atheme.conf');
  await writeFile(
    config,
    await renderTemplate('atheme.conf', {
      DIR: link.dir,
      IRCD_NAME: link.ircdName,
      SERVICES_NAME: link.servicesName,
      SERVER_PORT: String(link.serverPort),
      LINK_PASSWORD: link.linkPassword,
    }),
  );
  // -n: stay in the foreground; -D: database in our dir, not /var/lib/atheme.
  const args = [
    '-n',
    '-c',
    config,
    '-D',
    link.dir,
    '-l',
    join(link.dir, 'atheme-run.log'),
    '-p',
    join(link.dir, 'atheme.pid'),
  ];
  const daemon = Daemon.spawn(binary('atheme-services', '/usr/bin/atheme-services'), args, link.dir);
  const waitUntilLinked = async (): Promise<void> => {
    const deadline = Date.now() + LINK_TIMEOUT_MS;
    while (Date.now() < deadline && daemon.running) {
      if (await offersSasl(link.clientPort)) return;
      await sleep(200);
    }
    throw new Error(`Atheme did not link to InspIRCd:\n${daemon.recentOutput}`);
  };
  try {
    await waitUntilLinked();
  } catch (err) {
    await daemon.stop();
    throw err;
  }
  return {
    registerAccount: (nick, password) => registerAccount(link.clientPort, nick, password),
    waitUntilLinked,
    stop: () => daemon.stop(),
  };
}

/** m_sasl advertises the `sasl` capability only while its target (Atheme) is linked. */
function offersSasl(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write('CAP LS 302\r\n'));
    let received = '';
    const done = (result: boolean): void => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(2000, () => done(false));
    socket.on('data', (chunk) => {
      received += chunk.toString('utf8');
      const capLine = received.split('\r\n').find((line) => / CAP \* LS /.test(line));
      if (capLine) done(/[ :]sasl(=|\s|$)/.test(capLine));
    });
    socket.on('error', () => done(false));
  });
}

function registerAccount(port: number, nick: string, password: string): Promise<void> {
  if (/\s/.test(password)) return Promise.reject(new Error('NickServ takes one-word passwords'));
  const client = new Client();
  return new Promise<void>((resolve, reject) => {
    let outcome: Error | null | undefined;
    // Settles once the connection is closed, so that no socket outlives the call.
    const conclude = (result: Error | null): void => {
      if (outcome !== undefined) return;
      outcome = result;
      client.quit('done');
    };
    const timer = setTimeout(
      () => conclude(new Error(`no answer from NickServ registering ${nick}`)),
      REGISTER_TIMEOUT_MS,
    );
    client.on('registered', () => client.say('NickServ', `REGISTER ${password} ${nick}@example.test`));
    client.on('notice', (e) => {
      if (e.nick === 'NickServ')
        conclude(/is now registered/.test(e.message) ? null : new Error(`NickServ: ${e.message}`));
    });
    client.on('close', () => {
      clearTimeout(timer);
      if (outcome) reject(outcome);
      else if (outcome === null) resolve();
      else reject(new Error(`connection closed while registering ${nick}`));
    });
    client.connect({
      host: '127.0.0.1',
      port,
      nick,
      username: 'register',
      gecos: 'registration',
      auto_reconnect: false,
    });
  });
}
