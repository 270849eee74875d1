/**
 * WhatsApp: each Matrix user links their own WhatsApp account (QR code or pairing code); every
 * chat of that account becomes a portal room owned by the login. The library (whatsapp-web.js in
 * a Chromium) stays behind the `WhatsAppDriver` interface, so tests run the whole module on a
 * fake driver and a lighter driver can replace it later. See README.md.
 */
import { BridgeError, type BridgeModule, type JsonValue, type NetworkCapabilities } from '../../src/sdk';
import { ClientPool } from './client';
import { configSchema, sampleConfig, type WhatsAppConfig } from './config';
import type { DriverFactory } from './driver';
import { WhatsAppSession } from './from-matrix';
import { LOGIN_FLOWS, whatsappLogin } from './login';
import { downloadMedia, type FetchLike } from './media';
import { createWwebjsDriverFactory } from './wwebjs-driver';

const capabilities: NetworkCapabilities = {
  formatting: 'whatsapp',
  maxTextLength: 65_536,
  // WhatsApp takes documents up to 2 GB; the configured max_media_bytes is the real cap.
  maxFileSize: 2048 * 1024 * 1024,
  media: ['image', 'video', 'audio', 'file', 'sticker', 'location'],
  edits: true,
  reactions: true,
  redactions: true,
  replies: true,
  threads: false,
  typing: true,
  readReceipts: true,
};

export interface WhatsAppModuleOptions {
  /** The library behind the driver interface; the default launches whatsapp-web.js in Chromium. */
  readonly driverFactory?: DriverFactory;
  /** Fetches profile pictures (only ever from WhatsApp's picture host); tests pass a fake. */
  readonly fetch?: FetchLike;
}

/** The module with its library chosen: tests pass the fake driver factory. */
export function createWhatsAppModule(opts: WhatsAppModuleOptions = {}): BridgeModule<WhatsAppConfig> {
  return {
    manifest: { id: 'whatsapp', displayName: 'WhatsApp', sdkVersion: '^1.0.0', capabilities },
    configSchema,
    sampleConfig,
    create(ctx) {
      const factory =
        opts.driverFactory ??
        createWwebjsDriverFactory({
          // Periodic session saves run in the background; their failures must not end the process.
          onBackgroundError: (err) =>
            ctx.log.warn('saving a WhatsApp session failed', { error: String(err) }),
        });
      const pool = new ClientPool(ctx, factory);
      const fetchUrl = opts.fetch ?? fetch;
      return {
        start: async () => ctx.log.info('WhatsApp ready', { browserLimit: ctx.config.max_sessions }),
        stop: () => pool.closeAll(),
        loginFlows: () => LOGIN_FLOWS,
        startLogin: (flowId, user) => whatsappLogin(ctx, pool, flowId, user),
        loadLogin: (login) => new WhatsAppSession(ctx, pool, login, fetchUrl),
        // A per-login chat's history, through that login's client (none while it is offline).
        fetchHistory: async (chat) => {
          const client = chat.receiver ? pool.byLogin.get(chat.receiver) : undefined;
          return client?.ready ? client.history(chat.id) : [];
        },
        /** Media of an event queued before a restart: downloaded again through the library. */
        async loadMedia(ref: JsonValue) {
          const { login, message } = (ref ?? {}) as { login?: unknown; message?: unknown };
          const client = typeof login === 'string' ? pool.byLogin.get(login) : undefined;
          if (!client?.ready || typeof message !== 'string')
            throw new BridgeError(
              'not_found',
              'the WhatsApp file cannot be loaded while WhatsApp is not connected',
            );
          const msg = await client.driver.getMessageById(message);
          if (!msg) throw new BridgeError('not_found', 'WhatsApp no longer has this file');
          return downloadMedia(msg, ctx.config.max_media_bytes);
        },
      };
    },
  };
}

/** The built-in module: whatsapp-web.js with the system Chromium. */
export default createWhatsAppModule();
