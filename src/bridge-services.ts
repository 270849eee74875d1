import { CommandProcessor } from './commands/processor';
import { LoginDialog } from './commands/login-dialog';
import { permissionFor } from './config/permissions';
import type { Config } from './config/types';
import { LoginManager } from './logins/login-manager';
import { MatrixClient } from './matrix/client';
import { MatrixHttp } from './matrix/http';
import { MatrixMedia } from './matrix/media';
import { MediaProxy } from './matrix/media-proxy';
import type { NetworkRuntime } from './modules/runtime';
import { GhostManager } from './portals/ghosts';
import { MatrixIngest } from './portals/matrix-ingest';
import { MatrixPortalEvents } from './portals/matrix-portal-events';
import { MatrixRouter } from './portals/matrix-router';
import { MembershipHandler } from './portals/membership';
import { Notifier } from './portals/notifier';
import { PortalManager } from './portals/portals';
import { RemoteEventHandler } from './portals/remote-handler';
import { RemoteOutbox } from './portals/remote-outbox';
import type { Logger } from './sdk/context';
import type { Store } from './store/store';
import { createHash } from 'node:crypto';

/** Every long-lived service of a running bridge, wired together once. */
export interface BridgeServices {
  readonly client: MatrixClient;
  readonly media: MatrixMedia;
  readonly proxy?: MediaProxy;
  readonly ghosts: GhostManager;
  readonly portals: PortalManager;
  readonly notifier: Notifier;
  readonly logins: LoginManager;
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
  onTiming?: (method: string, status: number, ms: number) => void,
): BridgeServices {
  const botUserId = `@${config.appservice.bot.localpart}:${config.homeserver.domain}`;
  const http = new MatrixHttp({
    baseUrl: homeserverUrl,
    asToken: config.appservice.as_token,
    log: log.child({ component: 'matrix-http' }),
    ...(onTiming ? { onTiming } : {}),
  });
  const client = new MatrixClient(http);
  const media = new MatrixMedia(http);
  const proxyKey = createHash('sha256')
    .update('switchboard media proxy')
    .update(config.appservice.hs_token)
    .digest();
  const proxy = config.media.public_url
    ? new MediaProxy(config.media.public_url, proxyKey, media, config.media.max_file_bytes)
    : undefined;
  const ghosts = new GhostManager(store, client, media, botUserId, log);
  const portals = new PortalManager(store, client, ghosts, botUserId);
  const notifier = new Notifier(client, store, botUserId, log);
  const logins = new LoginManager(
    store,
    networks,
    (u, t) => notifier.toUser(u, t),
    log.child({ component: 'logins' }),
  );
  const handler = new RemoteEventHandler({
    store,
    client,
    media,
    ghosts,
    portals,
    botUserId,
    maxFileBytes: config.media.max_file_bytes,
    log,
  });
  const outbox = new RemoteOutbox(store, handler, networks, log.child({ component: 'outbox' }));
  const permission = (userId: string) => permissionFor(userId, config.permissions);
  const isOurs = (userId: string) =>
    userId === botUserId || [...networks.values()].some((n) => n.ns.remoteUserIdOf(userId) !== null);
  const dialog = new LoginDialog(logins, notifier, media, client, botUserId, log);
  const commands = new CommandProcessor(
    { networks, logins, dialog, portals, store, client, botUserId },
    notifier,
    log.child({ component: 'commands' }),
  );
  const membership = new MembershipHandler({
    store,
    client,
    networks,
    logins,
    ghosts,
    notifier,
    botUserId,
    permission,
    isOurs,
    log,
  });
  const portalEvents = new MatrixPortalEvents({
    store,
    logins,
    media,
    maxFileBytes: config.media.max_file_bytes,
    ghostByUserId: (u) => store.ghosts.byUserId(u),
    ...(proxy ? { proxy } : {}),
  });
  const router = new MatrixRouter({
    store,
    client,
    networks,
    portalEvents,
    membership,
    commands,
    logins,
    notifier,
    botUserId,
    permission,
    log,
    ...(proxy ? { proxy } : {}),
  });
  const ingest = new MatrixIngest(store, (ev) => router.handle(ev), log.child({ component: 'ingest' }));
  return {
    client,
    media,
    ...(proxy ? { proxy } : {}),
    ghosts,
    portals,
    notifier,
    logins,
    outbox,
    router,
    ingest,
    isOurs,
  };
}
