import { CommandProcessor } from './commands/processor';
import { LoginDialog } from './commands/login-dialog';
import { permissionFor } from './config/permissions';
import type { Config } from './config/types';
import { LoginManager } from './logins/login-manager';
import { LoginSessions } from './logins/login-sessions';
import { MatrixClient } from './matrix/client';
import { MatrixHttp } from './matrix/http';
import { MatrixMedia } from './matrix/media';
import { MediaProxy } from './matrix/media-proxy';
import { observeHandler, observePortalEvents } from './metrics/instrument';
import type { BridgeObserver } from './metrics/observer';
import type { NetworkRuntime } from './modules/runtime';
import { GhostManager } from './portals/ghosts';
import { InflightSends } from './portals/inflight';
import { MatrixIngest } from './portals/matrix-ingest';
import { MatrixPortalEvents } from './portals/matrix-portal-events';
import { MatrixRouter } from './portals/matrix-router';
import { MembershipHandler } from './portals/membership';
import { historyFiller } from './portals/history';
import { RoomUpgrades } from './portals/room-upgrades';
import { Notifier } from './portals/notifier';
import { PortalManager } from './portals/portals';
import { RemoteEventHandler } from './portals/remote-handler';
import { RemoteOutbox } from './portals/remote-outbox';
import { DoublePuppets } from './portals/double-puppets';
import { PortalActions } from './portals/portal-actions';
import { pageUrl } from './provisioning/page-url';
import { TokenStore } from './provisioning/token-store';
import { webCommand } from './provisioning/web-command';
import type { Logger } from './sdk/context';
import type { Store } from './store/store';
import { createHash } from 'node:crypto';

/** Every long-lived service of a running bridge, wired together once. */
export interface BridgeServices {
  readonly http: MatrixHttp;
  /** The double-puppet registration's HTTP client, when `appservice.double_puppet_token` is set. */
  readonly doublePuppetHttp?: MatrixHttp;
  readonly client: MatrixClient;
  readonly media: MatrixMedia;
  readonly proxy?: MediaProxy;
  readonly ghosts: GhostManager;
  readonly portals: PortalManager;
  readonly notifier: Notifier;
  readonly logins: LoginManager;
  /** The login step machine, shared by the management room and the provisioning API. */
  readonly loginSessions: LoginSessions;
  /** Provisioning sessions and the `web` command's one-time codes. */
  readonly tokens: TokenStore;
  /** Link, unlink and start chats: shared by the commands and the provisioning API. */
  readonly actions: PortalActions;
  readonly outbox: RemoteOutbox;
  readonly router: MatrixRouter;
  readonly ingest: MatrixIngest;
  readonly isOurs: (userId: string) => boolean;
}

export function wireServices(
  config: Config,
  homeserverUrl: string,
  store: Store,
  networks: ReadonlyMap<string, NetworkRuntime>,
  log: Logger,
  observer?: BridgeObserver,
): BridgeServices {
  const botUserId = `@${config.appservice.bot.localpart}:${config.homeserver.domain}`;
  const http = new MatrixHttp({
    baseUrl: homeserverUrl,
    asToken: config.appservice.as_token,
    log: log.child({ component: 'matrix-http' }),
    ...(observer
      ? { onTiming: (m: string, st: number, ms: number) => observer.homeserverRequest(m, st, ms) }
      : {}),
  });
  const client = new MatrixClient(http);
  const media = new MatrixMedia(http);
  const dpToken = config.appservice.double_puppet_token;
  const doublePuppetHttp = dpToken
    ? new MatrixHttp({
        baseUrl: homeserverUrl,
        asToken: dpToken,
        log: log.child({ component: 'double-puppet' }),
      })
    : undefined;
  const proxyKey = createHash('sha256')
    .update('switchboard media proxy')
    .update(config.appservice.hs_token)
    .digest();
  const proxy = config.media.public_url
    ? new MediaProxy(config.media.public_url, proxyKey, media, config.media.max_file_bytes)
    : undefined;
  const notifier = new Notifier(client, store, botUserId, log);
  const logins = new LoginManager(
    store,
    networks,
    (u, t) => notifier.toUser(u, t),
    log.child({ component: 'logins' }),
  );
  // Sessions describe the users and chats modules leave undescribed in their events.
  const ghosts = new GhostManager(store, client, media, botUserId, log, logins);
  const portals = new PortalManager(store, client, ghosts, botUserId, logins);
  const isOurs = (userId: string) =>
    userId === botUserId || [...networks.values()].some((n) => n.ns.remoteUserIdOf(userId) !== null);
  const inflight = new InflightSends();
  const doublePuppets = doublePuppetHttp
    ? new DoublePuppets(new MatrixClient(doublePuppetHttp), config.homeserver.domain, store)
    : undefined;
  const handler = new RemoteEventHandler({
    ...(doublePuppets ? { doublePuppets } : {}),
    describe: logins,
    inflight,
    isOurs,
    store,
    client,
    media,
    ghosts,
    portals,
    botUserId,
    maxFileBytes: config.media.max_file_bytes,
    log,
  });
  portals.onCreated = historyFiller(networks, handler, log.child({ component: 'history' }));
  const outbox = new RemoteOutbox(
    store,
    handler,
    networks,
    log.child({ component: 'outbox' }),
    (net, _t, ok) => observer?.bridged('remote_to_matrix', net, ok, ok ? undefined : 'rejected'),
  );
  const permission = (userId: string) => permissionFor(userId, config.permissions);
  const loginSessions = new LoginSessions(logins, log.child({ component: 'login-sessions' }));
  const dialog = new LoginDialog(loginSessions, notifier, media, client, botUserId, log);
  const tokens = new TokenStore(store.db);
  const actions = new PortalActions({ store, client, logins, portals, botUserId });
  const commands = new CommandProcessor(
    { networks, logins, dialog, portals, store, client, botUserId, actions },
    notifier,
    log.child({ component: 'commands' }),
    config.provisioning.enabled ? [webCommand(tokens, pageUrl(config))] : [],
  );
  const upgrades = new RoomUpgrades({
    store,
    client,
    portals,
    ghosts,
    notifier,
    networks,
    botUserId,
    isOurs,
    log: log.child({ component: 'room-upgrades' }),
  });
  const membership = new MembershipHandler({
    store,
    client,
    networks,
    logins,
    ghosts,
    notifier,
    upgrades,
    botUserId,
    permission,
    isOurs,
    log,
  });
  const portalEvents = new MatrixPortalEvents({
    inflight,
    store,
    logins,
    media,
    maxFileBytes: config.media.max_file_bytes,
    ghostByUserId: (u) => store.ghosts.byUserId(u),
    ...(proxy ? { proxy } : {}),
  });
  if (observer) observePortalEvents(portalEvents, observer);
  const router = new MatrixRouter({
    store,
    client,
    networks,
    portalEvents,
    membership,
    commands,
    logins,
    notifier,
    upgrades,
    botUserId,
    permission,
    log,
    ...(proxy ? { proxy } : {}),
  });
  const ingest = new MatrixIngest(
    store,
    observeHandler((ev) => router.handle(ev), observer),
    log.child({ component: 'ingest' }),
  );
  return {
    http,
    ...(doublePuppetHttp ? { doublePuppetHttp } : {}),
    client,
    media,
    ...(proxy ? { proxy } : {}),
    ghosts,
    portals,
    notifier,
    logins,
    actions,
    loginSessions,
    tokens,
    outbox,
    router,
    ingest,
    isOurs,
  };
}
