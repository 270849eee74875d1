/**
 * The IRC module: channels are shared portals (joined on demand through
 * `#<alias_prefix><network>_<channel>` or linked with `bridge`), IRC users are ghosts, and every
 * Matrix user who speaks gets their own IRC connection (a puppet) with their own nick. See README.md.
 */
import type { BridgeModule, NetworkCapabilities, NetworkConnector } from '../../src/sdk';
import { IrcNetwork } from './client';
import { nickCommand } from './commands';
import { configSchema, sampleConfig, withDefaults, type IrcConfig } from './config';
import { channelAllowed, IrcSession } from './from-matrix';
import { chatId, ghostLocalpart, parseAliasLocalpart } from './ids';
import { ircLogin, LOGIN_FLOWS } from './login';
import { bindToMatrix } from './to-matrix';

const capabilities: NetworkCapabilities = {
  formatting: 'irc',
  media: ['image', 'video', 'audio', 'file', 'location'],
  edits: true,
  reactions: false,
  redactions: false,
  replies: true,
  threads: false,
  typing: false,
  readReceipts: false,
};

/** The connector, with its networks exposed for tests and benchmarks. */
export type IrcConnector = NetworkConnector & { readonly networks: ReadonlyMap<string, IrcNetwork> };

export default {
  manifest: { id: 'irc', displayName: 'IRC', sdkVersion: '^1.1.0', capabilities },
  // @irc_libera_alice rather than the default escaping's @irc_libera__alice.
  ghostLocalpart,
  configSchema,
  sampleConfig,
  create(ctx): IrcConnector {
    const networks = new Map<string, IrcNetwork>();
    for (const [id, section] of Object.entries(ctx.config.networks)) {
      networks.set(id, new IrcNetwork(ctx, id, withDefaults(id, section), bindToMatrix));
    }
    return {
      networks,
      start: async () => {
        for (const net of networks.values()) await net.start();
      },
      stop: async () => {
        await Promise.all([...networks.values()].map((n) => n.stop()));
      },
      // Everyone speaks through their own puppet; a private chat only through its owner's.
      sessionFor: async (user, portal) =>
        portal?.chat.receiver && portal.chat.receiver !== user.userId ? null : new IrcSession(networks, user),
      resolveAlias: async (localpart) => {
        const parsed = parseAliasLocalpart(localpart);
        const net = parsed ? networks.get(parsed.network) : undefined;
        if (!parsed || !net || !channelAllowed(net, parsed.channel)) return null;
        return {
          chat: { id: chatId(net.id, parsed.channel) },
          info: { kind: 'channel', name: parsed.channel },
        };
      },
      loginFlows: () => LOGIN_FLOWS,
      startLogin: (flowId, user) => ircLogin(networks, flowId, user),
      loadLogin: (login) =>
        new IrcSession(networks, { userId: login.userId, displayName: login.userId }, login),
      commands: () => [nickCommand(networks)],
    };
  },
} satisfies BridgeModule<IrcConfig>;
