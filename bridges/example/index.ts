/**
 * The example network: a tiny, complete bridge module, the subject of the plugin tutorial
 * (see README.md). It exercises the whole SDK against an in-process fake network.
 */
import type { BridgeModule, NetworkCapabilities } from '../../src/sdk';
import { configSchema, type ExampleConfig } from './config';
import { exampleSession } from './from-matrix';
import { exampleLogin } from './login';
import { lobby, pixel } from './to-matrix';

// What Example carries: markdown, pictures and places, every relation between messages, and presence.
const relations = { edits: true, reactions: true, redactions: true, replies: true, threads: true };
const presence = { typing: true, readReceipts: true };
const media: NetworkCapabilities['media'] = ['image', 'location'];
const capabilities: NetworkCapabilities = { formatting: 'markdown', media, ...relations, ...presence };

/**
 * The module: logins only (no shared session, nothing to start), so the lobby is reached through
 * a user's login.
 */
export default {
  manifest: { id: 'example', displayName: 'Example', sdkVersion: '^1.4.0', capabilities },
  configSchema,
  create: (ctx) => ({
    loginFlows: () => [{ id: 'qr', name: 'QR code', description: 'A token, then a QR code' }],
    startLogin: () => exampleLogin(ctx),
    loadLogin: (login) => exampleSession(ctx, login),
    resolveAlias: async (alias) => (alias === 'lobby' ? lobby(ctx.config.contacts) : null),
    loadMedia: pixel,
  }),
} satisfies BridgeModule<ExampleConfig>;
