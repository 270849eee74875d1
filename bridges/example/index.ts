/**
 * The example network: a tiny, complete bridge module, the subject of the plugin tutorial
 * (see README.md). It exercises the whole SDK against an in-process fake network.
 */
import type { BridgeModule, NetworkCapabilities } from '../../src/sdk';
import { configSchema, type ExampleConfig } from './config';
import { exampleSession } from './from-matrix';
import { exampleLogin, LOGIN_FLOW } from './login';
import { lobby, pixel } from './to-matrix';

const capabilities: NetworkCapabilities = {
  formatting: 'markdown',
  media: ['image', 'location'],
  edits: true,
  reactions: true,
  redactions: true,
  replies: true,
  threads: true,
  typing: true,
  readReceipts: true,
};

/** The module: logins only (no shared session), so the lobby is reached through a user's login. */
export default {
  manifest: { id: 'example', displayName: 'Example', sdkVersion: '^1.2.0', capabilities },
  configSchema,
  create: (ctx) => ({
    start: async () => ctx.log.info('Example is ready', { contacts: ctx.config.contacts }),
    stop: async () => ctx.log.info('Example stopped'),
    loginFlows: () => [LOGIN_FLOW],
    startLogin: () => exampleLogin(ctx),
    loadLogin: (login) => exampleSession(ctx, login),
    resolveAlias: async (alias) => (alias === 'lobby' ? lobby(ctx.config.contacts) : null),
    loadMedia: pixel,
  }),
} satisfies BridgeModule<ExampleConfig>;
