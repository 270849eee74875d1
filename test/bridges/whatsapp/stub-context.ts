/** A ModuleContext for unit tests of the WhatsApp module, without a core: it records what the module does. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleConfig, type WhatsAppConfig, type WhatsAppContext } from '../../../bridges/whatsapp/config';
import type { BridgeState, LoginRecord, Logger, ModuleKv, PortalInfo, RemoteEvent } from '../../../src/sdk';

export interface StubContext extends WhatsAppContext {
  readonly events: RemoteEvent[];
  readonly states: { loginId: string | null; state: BridgeState }[];
  readonly kvData: Map<string, { value: Buffer; encrypted: boolean }>;
  readonly logins: LoginRecord[];
  readonly logged: string[];
  /** Portals `getPortal` finds (none by default: every chat looks new). */
  readonly portals: PortalInfo[];
}

export function stubContext(config: Partial<WhatsAppConfig> = {}): StubContext {
  const kvData = new Map<string, { value: Buffer; encrypted: boolean }>();
  const kv: ModuleKv = {
    get: async (k) => kvData.get(k)?.value ?? null,
    set: async (k, value, opts) => void kvData.set(k, { value, encrypted: opts?.encrypt ?? false }),
    delete: async (k) => void kvData.delete(k),
    list: async (prefix) => [...kvData.keys()].filter((k) => k.startsWith(prefix)),
  };
  const logged: string[] = [];
  const log: Logger = {
    debug: (m) => void logged.push(`debug ${m}`),
    info: (m) => void logged.push(`info ${m}`),
    warn: (m, meta) => void logged.push(`warn ${m} ${JSON.stringify(meta ?? {})}`),
    error: (m, meta) => void logged.push(`error ${m} ${JSON.stringify(meta ?? {})}`),
    child: () => log,
  };
  const events: RemoteEvent[] = [];
  const states: StubContext['states'] = [];
  const logins: LoginRecord[] = [];
  const portals: PortalInfo[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-wa-unit-'));
  return {
    network: 'whatsapp',
    config: { ...sampleConfig, chromium: { args: [], data_dir: dataDir }, ...config },
    log,
    serverName: 'hs',
    botUserId: '@bot:hs',
    emit: async (ev) => void events.push(ev),
    setBridgeState: (loginId, state) => void states.push({ loginId, state }),
    kv,
    getLogin: async (id) => logins.find((l) => l.id === id) ?? null,
    listLogins: async (userId) => logins.filter((l) => !userId || l.userId === userId),
    updateLogin: async () => undefined,
    getPortal: async (chat) =>
      portals.find((p) => p.chat.id === chat.id && p.chat.receiver === chat.receiver) ?? null,
    listPortals: async () => portals,
    portalMembers: async () => [],
    findMessage: async () => null,
    ghostUserId: (id) => `@whatsapp_${id}:hs`,
    remoteUserIdOf: (userId) => /^@whatsapp_(.+):hs$/.exec(userId)?.[1] ?? null,
    downloadMedia: async () => Buffer.alloc(0),
    uploadMedia: async (key) => `mxc://stub.test/${encodeURIComponent(key)}`,
    notifyUser: async () => undefined,
    events,
    states,
    kvData,
    logins,
    logged,
    portals,
  };
}
