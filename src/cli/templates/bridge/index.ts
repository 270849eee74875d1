/**
 * The Tmplnet bridge module: the manifest the core checks, and the connector it runs.
 * See README.md for what it supports and docs/plugins.md in Switchboard for the plugin API.
 */
import type { BridgeModule, NetworkCapabilities } from '../../../sdk';
import { configSchema, sampleConfig, type TmplnetConfig } from './config';
import { tmplnetSession } from './from-matrix';
import { LOGIN_FLOW, tmplnetLogin } from './login';

/** What the network can carry; the conformance kit checks each `true` both ways. */
const capabilities: NetworkCapabilities = {
  formatting: 'markdown',
  media: [],
  edits: true,
  reactions: false,
  redactions: true,
  replies: false,
};

export default {
  manifest: { id: 'tmplnet', displayName: 'Tmplnet', sdkVersion: '^1.0.0', capabilities },
  configSchema,
  sampleConfig,
  create: (ctx) => ({
    start: async () => ctx.log.info('Tmplnet module started', { server: ctx.config.server }),
    stop: async () => undefined,
    loginFlows: () => [LOGIN_FLOW],
    startLogin: () => tmplnetLogin(ctx),
    loadLogin: (login) => tmplnetSession(ctx, login),
  }),
} satisfies BridgeModule<TmplnetConfig>;
