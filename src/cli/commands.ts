import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Bridge, prefixesOf } from '../bridge';
import { loadConfigFile } from '../config/load';
import type { Config } from '../config/types';
import { createLogger } from '../logging/logger';
import { renderDoublePuppetRegistration } from '../matrix/double-puppet';
import { buildRegistration, renderRegistrationYaml } from '../matrix/registration';
import { migrate } from '../store/migrate';
import { openDatabase } from '../store/open';
import { writeFirstRunConfig } from './first-run';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export function registrationFor(config: Config): string {
  const enabled = Object.entries(config.bridges).filter(([, s]) => s.enabled);
  const prefixes = enabled.map(([id, s]) => prefixesOf(id, s));
  return renderRegistrationYaml(
    buildRegistration(config, { users: prefixes.map((p) => p.ghost), aliases: prefixes.map((p) => p.alias) }),
  );
}

/** How to hand the registration to each homeserver (docs/admin/install.md has the details). */
function registrationHint(file: string, io: CliIo): void {
  io.out(`  Synapse (homeserver.yaml): app_service_config_files: [${path.resolve(file)}]`);
  io.out(`  Dendrite (dendrite.yaml): app_service_api: { config_files: [${path.resolve(file)}] }`);
  io.out('  conduwuit: send "!admin appservices register" and the file in a code block to the admin room');
  io.out('  Then restart the homeserver (not needed for conduwuit).');
}

export function generateRegistration(configPath: string, output: string, io: CliIo): void {
  const config = loadConfigFile(configPath);
  writeFileSync(output, registrationFor(config), { mode: 0o600 });
  io.out(`Wrote ${output}. Add it to your homeserver:`);
  registrationHint(output, io);
  const doublePuppet = renderDoublePuppetRegistration(config);
  if (doublePuppet) {
    const file = path.join(path.dirname(output), 'double-puppet.yaml');
    writeFileSync(file, doublePuppet, { mode: 0o600 });
    io.out(`Wrote ${file} (double puppeting, appservice.double_puppet_token): register it the same way.`);
  }
}

export async function runMigrate(configPath: string, io: CliIo): Promise<void> {
  const config = loadConfigFile(configPath);
  const db = await openDatabase(dbConfig(config, configPath), { migrate: false });
  try {
    const r = await migrate(db);
    io.out(
      r.from === r.to
        ? `Database schema is up to date (version ${r.to}).`
        : `Migrated database schema from version ${r.from} to ${r.to}.`,
    );
  } finally {
    await db.close();
  }
}

export function dbConfig(config: Config, configPath: string): { url?: string; path?: string } {
  return config.database.url
    ? { url: config.database.url }
    : { path: path.resolve(path.dirname(configPath), config.database.path) };
}

/**
 * `start`: on first run writes config.yaml and registration.yaml and says the one line to add
 * to homeserver.yaml; then runs the bridge until SIGINT/SIGTERM.
 */
export async function start(
  configPath: string,
  registrationPath: string,
  io: CliIo,
  firstRun: { domain: string; homeserverUrl: string; port: number },
): Promise<Bridge> {
  if (!existsSync(configPath)) {
    writeFirstRunConfig(configPath, firstRun);
    io.out(
      `Wrote a new config to ${configPath} (homeserver ${firstRun.homeserverUrl}, domain ${firstRun.domain}).`,
    );
  }
  const config = loadConfigFile(configPath);
  const registration = registrationFor(config);
  if (!existsSync(registrationPath) || readFileSync(registrationPath, 'utf8') !== registration) {
    writeFileSync(registrationPath, registration, { mode: 0o600 });
    io.out(`Wrote ${registrationPath}. Add it to your homeserver:`);
    registrationHint(registrationPath, io);
  }
  const log = createLogger(config.logging);
  const bridge = await Bridge.create({ config, baseDir: path.dirname(path.resolve(configPath)), log });
  await bridge.start();
  io.out(
    `Switchboard is running: appservice on ${config.appservice.bind}:${bridge.port}, bot ${bridge.botUserId}.`,
  );
  return bridge;
}
