import { parseArgs } from 'node:util';
import { ConfigError } from '../config/errors';
import { doctor } from './doctor';
import { generateRegistration, runMigrate, start, type CliIo } from './commands';
import { runNewBridge } from './new-bridge';

const USAGE = `Usage: switchboard <command> [options]

Commands:
  start                  Run the bridge (writes config.yaml and registration.yaml on first run)
  generate-registration  Write the appservice registration for the homeserver
  migrate                Bring the database schema up to date
  doctor                 Check config, database, registration and the homeserver connection
  new-bridge <target>    Scaffold a bridge module that passes the conformance kit: <id> makes
                         bridges/<id> in this checkout; @scope/name or a path, its own npm package

Options:
  -c, --config <file>        Config file (default: config.yaml)
  -r, --registration <file>  Registration file (default: registration.yaml)
      --domain <name>        First run only: the homeserver's server name (default: localhost)
      --homeserver <url>     First run only: the homeserver URL (default: http://localhost:8008)
      --id <id>              new-bridge: the module id (default: from the target's name)
      --name <name>          new-bridge: the network's display name (default: the id, capitalised)
`;

const io: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l) };

/** The `switchboard` command; returns the process exit code (start keeps running). */
export async function main(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        config: { type: 'string', short: 'c', default: 'config.yaml' },
        registration: { type: 'string', short: 'r', default: 'registration.yaml' },
        domain: { type: 'string', default: process.env.SWITCHBOARD_DOMAIN ?? 'localhost' },
        homeserver: {
          type: 'string',
          default: process.env.SWITCHBOARD_HOMESERVER ?? 'http://localhost:8008',
        },
        port: { type: 'string', default: '29300' },
        help: { type: 'boolean', short: 'h' },
        id: { type: 'string' },
        name: { type: 'string' },
      },
    });
  } catch (err) {
    io.err(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values: v, positionals } = parsed;
  const command = positionals[0];
  if (v.help || !command) {
    io.out(USAGE);
    return command || v.help ? 0 : 2;
  }
  try {
    switch (command) {
      case 'start': {
        const bridge = await start(v.config, v.registration, io, {
          domain: v.domain,
          homeserverUrl: v.homeserver,
          port: Number(v.port),
        });
        const stop = async () => {
          await bridge.stop();
          process.exit(0);
        };
        process.once('SIGINT', () => void stop());
        process.once('SIGTERM', () => void stop());
        return new Promise<number>(() => undefined);
      }
      case 'generate-registration':
        generateRegistration(v.config, v.registration, io);
        return 0;
      case 'migrate':
        await runMigrate(v.config, io);
        return 0;
      case 'doctor':
        return (await doctor(v.config, v.registration, io)) ? 0 : 1;
      case 'new-bridge': {
        const target = positionals[1];
        if (!target) throw new Error('which module? e.g. `switchboard new-bridge mynet`');
        runNewBridge(
          { target, cwd: process.cwd(), ...(v.id ? { id: v.id } : {}), ...(v.name ? { name: v.name } : {}) },
          io,
        );
        return 0;
      }
      default:
        io.err(`Unknown command "${command}".\n\n${USAGE}`);
        return 2;
    }
  } catch (err) {
    io.err(err instanceof ConfigError ? err.message : `switchboard ${command}: ${(err as Error).message}`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}
