import type { LoginManager } from '../logins/login-manager';
import type { MatrixMedia } from '../matrix/media';
import type { NetworkNamespace } from '../matrix/namespaces';
import type { Notifier } from '../portals/notifier';
import type { RemoteOutbox } from '../portals/remote-outbox';
import type { Logger, ModuleContext } from '../sdk/context';
import type { JsonObject } from '../sdk/ids';
import type { RemoteMedia } from '../sdk/remote-events';
import { toMessageRef } from '../store/message-repo';
import { toPortalInfo, type PortalRow } from '../store/portal-repo';
import type { Store } from '../store/store';
import { SerialByKey } from '../util/serial-by-key';

export interface ContextDeps {
  readonly store: Store;
  readonly outbox: RemoteOutbox;
  readonly logins: LoginManager;
  readonly media: MatrixMedia;
  readonly notifier: Notifier;
  readonly serverName: string;
  readonly botUserId: string;
  readonly isOurs: (userId: string) => boolean;
}

const ready = (rows: PortalRow[]) =>
  rows.filter((r): r is PortalRow & { room_id: string } => !!r.room_id).map(toPortalInfo);

/** Builds the context one module sees: everything scoped to its own network id. */
export function createModuleContext<C>(
  network: string,
  config: C,
  ns: NetworkNamespace,
  log: Logger,
  d: ContextDeps,
): ModuleContext<C> {
  const loginOf = async (id: string) => {
    const l = await d.store.logins.get(id);
    return l && l.network === network ? l : null;
  };
  // Uploaded media by key, apart from the module's own keys (a network id has no `:`).
  const uploads = d.store.kv.forNetwork(`${network}:media`);
  // One upload per key at a time: a burst of messages with one emoji waits for the first upload.
  const uploading = new SerialByKey();
  const upload = async (key: string, load: () => Promise<RemoteMedia>): Promise<string> => {
    const known = await uploads.get(key);
    if (known) return known.toString('utf8');
    const file = await load();
    const mxc = await d.media.upload(file.data, file.mimetype, file.filename);
    await uploads.set(key, Buffer.from(mxc, 'utf8'));
    return mxc;
  };
  return {
    network,
    config,
    log,
    serverName: d.serverName,
    botUserId: d.botUserId,
    emit: (ev) => d.outbox.emit(network, ev),
    setBridgeState: (loginId, state) => {
      if (loginId)
        void d.logins
          .setState(loginId, state)
          .catch((err: unknown) => log.warn('bridge state not saved', { error: String(err) }));
      else log.info('shared session state', { state: state.state, message: state.message });
    },
    kv: d.store.kv.forNetwork(network),
    getLogin: loginOf,
    listLogins: (userId) => d.store.logins.list({ network, ...(userId ? { userId } : {}) }),
    updateLogin: async (loginId, patch) => {
      if (!(await loginOf(loginId))) return;
      await d.store.logins.update(loginId, {
        ...patch,
        ...(patch.metadata ? { metadata: patch.metadata as JsonObject } : {}),
      });
    },
    getPortal: async (chat) =>
      ready([(await d.store.portals.get(network, chat)) as PortalRow].filter(Boolean))[0] ?? null,
    listPortals: async () => ready(await d.store.portals.list(network)),
    portalMembers: async (portal) =>
      (await d.store.members.joined(portal.roomId)).map((m) => m.user_id).filter((u) => !d.isOurs(u)),
    findMessage: async (chat, remoteId) => {
      const row = (await d.store.messages.byRemoteId(network, chat.receiver ?? '', remoteId))[0];
      return row ? toMessageRef(row) : null;
    },
    ghostUserId: (remoteUserId) => ns.ghostUserId(remoteUserId),
    remoteUserIdOf: (userId) => ns.remoteUserIdOf(userId),
    downloadMedia: (mxc, maxBytes) => d.media.download(mxc, maxBytes),
    uploadMedia: (key, load) => uploading.run(key, () => upload(key, load)),
    notifyUser: (userId, text) => d.notifier.toUser(userId, text),
  };
}
