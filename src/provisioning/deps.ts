import type { Request } from 'express';
import type { PermissionLevel } from '../config/types';
import type { LoginManager } from '../logins/login-manager';
import type { LoginSessions } from '../logins/login-sessions';
import type { MatrixClient } from '../matrix/client';
import type { NetworkRuntime } from '../modules/runtime';
import type { Logger } from '../sdk/context';
import type { MatrixActor } from '../sdk/session';
import type { Store } from '../store/store';
import { ApiError } from './api-error';
import type { PortalActions } from '../portals/portal-actions';
import type { TokenStore } from './token-store';

/** What the provisioning routes reach into. */
export interface ProvisioningDeps {
  readonly networks: ReadonlyMap<string, NetworkRuntime>;
  readonly store: Store;
  readonly logins: LoginManager;
  readonly sessions: LoginSessions;
  readonly actions: PortalActions;
  readonly client: MatrixClient;
  readonly permissions: Readonly<Record<string, PermissionLevel>>;
  readonly tokens: TokenStore;
  /** The user id an OpenID token belongs to, as the homeserver says. */
  readonly verifyOpenId: (accessToken: string) => Promise<string>;
  readonly serverName: string;
  readonly botUserId: string;
  readonly log: Logger;
}

export function networkOf(d: ProvisioningDeps, id: string): NetworkRuntime {
  const net = d.networks.get(id.toLowerCase());
  if (!net)
    throw new ApiError(
      404,
      'M_NOT_FOUND',
      `no network "${id}"; enabled: ${[...d.networks.keys()].join(', ') || 'none'}`,
    );
  return net;
}

/** The acting user with a display name for the module (the profile's, else the localpart). */
export async function actorOf(d: ProvisioningDeps, userId: string): Promise<MatrixActor> {
  const profile = await d.client.getProfile(userId).catch(() => ({}) as { displayname?: string });
  return { userId, displayName: profile.displayname || (/^@([^:]+)/.exec(userId)?.[1] ?? userId) };
}

/** Express 5 decodes path parameters; this only narrows the type. */
export function param(req: Request, name: string): string {
  return String(req.params[name] ?? '');
}
