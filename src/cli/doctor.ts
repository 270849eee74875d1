import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadConfigFile } from '../config/load';
import type { Config } from '../config/types';
import { nullLogger } from '../logging/logger';
import { MatrixClient } from '../matrix/client';
import { MatrixHttp } from '../matrix/http';
import { registrationMatches } from '../matrix/registration';
import { discoverHomeserver } from '../matrix/well-known';
import { loadMigrations, schemaVersion } from '../store/migrate';
import { openDatabase } from '../store/open';
import { tokensEqual, presentedToken } from '../appservice/auth';
import { dbConfig, type CliIo } from './commands';
import { prefixesOf } from '../bridge';

interface Check {
  readonly name: string;
  run(): Promise<string>;
}

/**
 * `doctor`: each check prints ✓ or ✗ with what to do. The homeserver check uses the
 * appservice ping, which proves both directions: our as_token is accepted, and the
 * homeserver reaches us with our hs_token (a stand-in listener answers if the bridge is not running).
 * A homeserver without the ping (Dendrite) gets the token check only, and the output says so.
 */
export async function doctor(configPath: string, registrationPath: string, io: CliIo): Promise<boolean> {
  let config: Config | undefined;
  const checks: Check[] = [
    { name: 'config', run: async () => ((config = loadConfigFile(configPath)), `${configPath} is valid`) },
    {
      name: 'database',
      run: async () => {
        const db = await openDatabase(dbConfig(need(config), configPath), { migrate: false });
        try {
          const v = await schemaVersion(db).catch(() => 0);
          const latest = loadMigrations().at(-1)?.version ?? 0;
          if (v > latest)
            throw new Error(
              `schema version ${v} is newer than this Switchboard (${latest}); upgrade Switchboard`,
            );
          return `${db.kind} reachable, schema version ${v}${v < latest ? ` (will migrate to ${latest} at start)` : ''}`;
        } finally {
          await db.close();
        }
      },
    },
    {
      name: 'registration',
      run: async () => {
        if (!existsSync(registrationPath))
          throw new Error(`${registrationPath} is missing; run \`switchboard generate-registration\``);
        const c = need(config);
        const prefixes = Object.entries(c.bridges)
          .filter(([, s]) => s.enabled)
          .map(([id, s]) => prefixesOf(id, s));
        const problems = registrationMatches(c, readFileSync(registrationPath, 'utf8'), {
          users: prefixes.map((p) => p.ghost),
          aliases: prefixes.map((p) => p.alias),
        });
        if (problems.length > 0)
          throw new Error(
            `${problems.join('; ')}; regenerate it with \`switchboard generate-registration\` and restart the homeserver`,
          );
        return `${registrationPath} matches the config`;
      },
    },
    { name: 'homeserver', run: () => pingHomeserver(need(config)) },
    { name: 'double puppeting', run: () => checkDoublePuppet(need(config)) },
  ];
  let ok = true;
  for (const check of checks) {
    try {
      io.out(`✓ ${check.name}: ${await check.run()}`);
    } catch (err) {
      ok = false;
      io.out(`✗ ${check.name}: ${(err as Error).message}`);
      if (check.name === 'config') break;
    }
  }
  return ok;
}

function need(config: Config | undefined): Config {
  if (!config) throw new Error('skipped: the config is not valid');
  return config;
}

/** The double-puppet registration is loaded when the homeserver accepts its token. */
async function checkDoublePuppet(config: Config): Promise<string> {
  const token = config.appservice.double_puppet_token;
  if (!token)
    return 'off (appservice.double_puppet_token not set): own messages from other devices show as ghosts';
  const { url, client } = await homeserverClient(config, token);
  await client.whoami().catch((err: unknown) => {
    throw new Error(
      `the homeserver rejects appservice.double_puppet_token (${String(err)}); register double-puppet.yaml (written by \`switchboard generate-registration\`) and restart the homeserver`,
    );
  });
  return `${url} accepts the double-puppet token`;
}

/** The homeserver's URL (configured or discovered) and a client that tries each call once with `token`. */
async function homeserverClient(
  config: Config,
  token: string,
): Promise<{ url: string; client: MatrixClient }> {
  const url = config.homeserver.url ?? (await discoverHomeserver(config.homeserver.domain));
  const http = new MatrixHttp({ baseUrl: url, asToken: token, log: nullLogger, attempts: 1 });
  return { url, client: new MatrixClient(http) };
}

async function pingHomeserver(config: Config): Promise<string> {
  const { url, client } = await homeserverClient(config, config.appservice.as_token);
  const versions = await fetch(`${url}/_matrix/client/versions`, {
    signal: AbortSignal.timeout(10_000),
  }).catch(() => null);
  if (!versions?.ok) throw new Error(`${url} does not answer /_matrix/client/versions; check homeserver.url`);
  await client.whoami().catch((err: unknown) => {
    throw new Error(
      `the homeserver rejects our as_token (${String(err)}); is registration.yaml in app_service_config_files, and was the homeserver restarted?`,
    );
  });
  // Stand in for the bridge if it is not running, so the homeserver has something to ping.
  const standIn = createServer((req, res) => {
    const token = presentedToken({ headers: req.headers, query: {} } as never);
    res
      .writeHead(token && tokensEqual(token, config.appservice.hs_token) ? 200 : 403, {
        'content-type': 'application/json',
      })
      .end('{}');
  });
  const listening = await new Promise<boolean>((resolve) => {
    standIn.once('error', () => resolve(false));
    standIn.listen(config.appservice.port, config.appservice.bind, () => resolve(true));
  });
  try {
    const { pingMs } = await client.checkLink(config.appservice.id);
    if (pingMs === null)
      return `${url} accepts our as_token; it has no appservice ping (Dendrite), so whether it reaches us at ${config.appservice.address} shows when its first transaction arrives (metric switchboard_transactions_received_total, or the bot answering in a DM)`;
    return `${url} accepts our tokens and reaches us at ${config.appservice.address} (${pingMs} ms)`;
  } catch (err) {
    throw new Error(
      `the homeserver cannot reach us at ${config.appservice.address} (${String(err)}); check appservice.address and your firewall`,
    );
  } finally {
    if (listening) standIn.close();
  }
}
