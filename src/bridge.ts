import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type express from 'express';
import { createAppserviceApp, listen } from './appservice/server';
import { wireServices, type BridgeServices } from './bridge-services';
import { validateBridgeSection } from './config/load';
import type { Config } from './config/types';
import { SecretBox } from './crypto/secret-box';
import { createLogger } from './logging/logger';
import { discoverHomeserver } from './matrix/well-known';
import { roleLevelsFrom } from './portals/power-levels';
import { NetworkNamespace } from './matrix/namespaces';
import { BridgeMetrics } from './metrics/bridge-metrics';
import { Readiness } from './metrics/readiness';
import { createMetricsApp, healthRoutes, startMetricsServer } from './metrics/server';
import { createModuleContext } from './modules/context';
import { loadModule } from './modules/loader';
import type { NetworkRuntime } from './modules/runtime';
import { createProvisioning } from './provisioning/setup';
import type { Logger } from './sdk/context';
import type { BridgeModule } from './sdk/module';
import type { Database } from './store/database';
import { openDatabase } from './store/open';
import { Store } from './store/store';

export interface BridgeOptions {
  readonly config: Config;
  /** Relative paths in the config (database, third-party modules) resolve against this. */
  readonly baseDir: string;
  readonly log?: Logger;
  /** Modules given directly instead of loaded from config (tests, embedding). */
  readonly modules?: ReadonlyMap<string, BridgeModule<never>>;
}

/** Prefixes a module's ghosts and aliases use: `bridges.<id>.ghost_prefix`, default `<id>_`. */
export function prefixesOf(id: string, section: Record<string, unknown>): { ghost: string; alias: string } {
  const ghost = typeof section.ghost_prefix === 'string' ? section.ghost_prefix : `${id}_`;
  const alias = typeof section.alias_prefix === 'string' ? section.alias_prefix : `${id}_`;
  return { ghost, alias };
}

/**
 * The running bridge: modules loaded and checked first (a bad config never touches the
 * database), then the database, the homeserver connection and the appservice HTTP server.
 */
export class Bridge {
  private server: Server | null = null;
  private metricsServer: Server | null = null;
  readonly botUserId: string;

  private constructor(
    readonly config: Config,
    readonly db: Database,
    readonly store: Store,
    readonly networks: ReadonlyMap<string, NetworkRuntime>,
    readonly services: BridgeServices,
    readonly log: Logger,
    /** Present when `metrics.enabled`; the provisioning app when `provisioning.enabled`. */
    readonly ops: { readonly metrics?: BridgeMetrics; readonly provisioning?: express.Express } = {},
  ) {
    this.botUserId = `@${config.appservice.bot.localpart}:${config.homeserver.domain}`;
  }

  static async create(o: BridgeOptions): Promise<Bridge> {
    const { config } = o;
    const log = o.log ?? createLogger(config.logging);
    const loaded: { id: string; mod: BridgeModule<never>; section: Record<string, unknown> }[] = [];
    for (const [id, section] of Object.entries(config.bridges)) {
      if (!section.enabled) continue;
      const mod =
        o.modules?.get(id) ??
        (await loadModule(id, typeof section.module === 'string' ? section.module : undefined, o.baseDir));
      loaded.push({ id, mod, section: validateBridgeSection(id, section, mod.configSchema) });
    }
    const homeserverUrl = config.homeserver.url ?? (await discoverHomeserver(config.homeserver.domain));
    const db = await openDatabase({
      ...(config.database.url
        ? { url: config.database.url }
        : { path: path.resolve(o.baseDir, config.database.path) }),
    });
    const store = new Store(db, new SecretBox(config.database.encryption_key));
    const networks = new Map<string, NetworkRuntime>();
    const metrics = config.metrics.enabled ? new BridgeMetrics() : undefined;
    const services = wireServices(config, homeserverUrl, store, networks, log, metrics);
    for (const { id, mod, section } of loaded) {
      const p = prefixesOf(id, section);
      const ns = new NetworkNamespace(id, config.homeserver.domain, p.ghost, p.alias, mod.ghostLocalpart);
      const ctx = createModuleContext(id, section as never, ns, log.child({ network: id }), {
        store,
        outbox: services.outbox,
        logins: services.logins,
        media: services.media,
        notifier: services.notifier,
        serverName: config.homeserver.domain,
        botUserId: `@${config.appservice.bot.localpart}:${config.homeserver.domain}`,
        isOurs: services.isOurs,
      });
      networks.set(id, {
        id,
        module: mod,
        connector: mod.create(ctx),
        ns,
        displayName: mod.manifest.displayName,
        roleLevels: roleLevelsFrom(section.role_power_levels),
      });
    }
    const provisioning = config.provisioning.enabled
      ? createProvisioning(config, homeserverUrl, store, networks, services, log)
      : undefined;
    return new Bridge(config, db, store, networks, services, log, {
      ...(metrics ? { metrics } : {}),
      ...(provisioning ? { provisioning } : {}),
    });
  }

  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0;
  }

  async start(): Promise<void> {
    const { services: s, config } = this;
    const { metrics, provisioning } = this.ops;
    const readiness = new Readiness(this.db, () => s.client.checkLink(config.appservice.id));
    const app = createAppserviceApp(
      {
        ingest: async (txnId, events) => {
          await s.ingest.ingest(txnId, events).catch((err: unknown) => {
            metrics?.transaction(events.length, false);
            throw err;
          });
          metrics?.transaction(events.length, true);
        },
        ephemeral: (events) => {
          for (const ev of events) void s.router.ephemeral(ev).catch(() => undefined);
        },
        queryUser: (userId) => this.queryUser(userId),
        queryAlias: (alias) => this.queryAlias(alias),
        mount: (a) => {
          s.proxy?.mount(a);
          a.use(healthRoutes(readiness));
          if (provisioning) a.use(config.provisioning.prefix, provisioning);
        },
      },
      { hsToken: config.appservice.hs_token, maxBodyBytes: config.appservice.max_body_bytes, log: this.log },
    );
    this.server = await listen(app, config.appservice.port, config.appservice.bind);
    await this.prepareBot();
    if (metrics) {
      metrics.attach({
        db: this.db,
        networks: () => [...this.networks.keys()],
        ingestDepth: () => s.ingest.depth,
        outboxDepth: () => s.outbox.depth,
      });
      const { port, bind } = config.metrics;
      this.metricsServer = await startMetricsServer(createMetricsApp(metrics, readiness), port, bind);
    }
    for (const net of this.networks.values()) await net.connector.start?.();
    await s.logins.startAll();
    const [events, remote] = [await s.ingest.resume(), await s.outbox.replay()];
    this.log.info('bridge started', {
      port: this.port,
      resumedMatrixEvents: events,
      resumedRemoteEvents: remote,
    });
  }

  /** Registers the bot and proves the homeserver reaches us; a homeserver that is down only warns. */
  private async prepareBot(): Promise<void> {
    const { client } = this.services;
    try {
      await client.registerGhost(this.config.appservice.bot.localpart);
      await client.setDisplayName(this.botUserId, this.config.appservice.bot.displayname);
      const { pingMs } = await client.checkLink(this.config.appservice.id);
      if (pingMs === null)
        this.log.info(
          'the homeserver has no appservice ping (e.g. Dendrite): our token is accepted; its first transaction will show it reaches us',
        );
    } catch (err) {
      this.log.warn('homeserver not ready; events will wait', { error: String(err) });
    }
  }

  private async queryUser(userId: string): Promise<boolean> {
    if (userId === this.botUserId) return true;
    for (const net of this.networks.values()) {
      const remoteId = net.ns.remoteUserIdOf(userId);
      if (remoteId === null) continue;
      await this.services.ghosts.ensure(net.ns, remoteId);
      return true;
    }
    return false;
  }

  /** On-demand portals: the homeserver asks about an unknown alias in a module's namespace. */
  private async queryAlias(alias: string): Promise<boolean> {
    for (const net of this.networks.values()) {
      const localpart = net.ns.aliasLocalpart(alias);
      if (localpart === null || !net.connector.resolveAlias) continue;
      const resolved = await net.connector.resolveAlias(localpart).catch(() => null);
      if (!resolved || (await this.services.portals.find(net.id, resolved.chat))) return false;
      await this.services.portals.ensure(net.ns, resolved.chat, resolved.info, {
        aliasLocalpart: net.ns.aliasPrefix + localpart,
        networkDisplayName: net.displayName,
      });
      return true;
    }
    return false;
  }

  /** Waits until every queued event in both directions has been handled (tests, shutdown). */
  async idle(): Promise<void> {
    await this.services.ingest.idle();
    await this.services.outbox.idle();
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections(); // keep-alive connections from the homeserver would hold close() open
      await closed;
    }
    const metricsServer = this.metricsServer;
    if (metricsServer) await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
    await this.services.loginSessions.stopAll();
    await this.services.ingest.stop();
    await this.services.outbox.stop();
    await this.services.logins.stopAll();
    for (const net of this.networks.values()) await net.connector.stop?.().catch(() => undefined);
    // Last: a module's stop may still tell Matrix something.
    this.services.http.close();
    this.services.doublePuppetHttp?.close();
    await this.db.close();
  }
}
