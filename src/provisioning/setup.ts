import type express from 'express';
import type { BridgeServices } from '../bridge-services';
import type { Config } from '../config/types';
import type { NetworkRuntime } from '../modules/runtime';
import type { Logger } from '../sdk/context';
import type { Store } from '../store/store';
import { createProvisioningApp, type ProvisioningOptions } from './api';
import { openIdVerifier } from './openid';

/** Requests per minute per signed-in user: a page polling a QR code uses about three. */
export const DEFAULT_REQUESTS_PER_MINUTE = 120;

/** Builds the provisioning app (API + page) from the running bridge's services. */
export function createProvisioning(
  config: Config,
  homeserverUrl: string,
  store: Store,
  networks: ReadonlyMap<string, NetworkRuntime>,
  s: BridgeServices,
  log: Logger,
  options: Partial<ProvisioningOptions> = {},
): express.Express {
  const botUserId = `@${config.appservice.bot.localpart}:${config.homeserver.domain}`;
  return createProvisioningApp(
    {
      networks,
      store,
      logins: s.logins,
      sessions: s.loginSessions,
      actions: s.actions,
      client: s.client,
      permissions: config.permissions,
      tokens: s.tokens,
      verifyOpenId: openIdVerifier(homeserverUrl, config.homeserver.domain),
      serverName: config.homeserver.domain,
      botUserId,
      log: log.child({ component: 'provisioning' }),
    },
    {
      requestsPerMinute: DEFAULT_REQUESTS_PER_MINUTE,
      ...(config.provisioning.shared_secret ? { sharedSecret: config.provisioning.shared_secret } : {}),
      ...options,
    },
  );
}
