import type { LoginManager } from '../logins/login-manager';
import type { MatrixClient } from '../matrix/client';
import type { NetworkRuntime } from '../modules/runtime';
import type { PortalManager } from '../portals/portals';
import type { PortalActions } from '../portals/portal-actions';
import type { Store } from '../store/store';
import type { LoginDialog } from './login-dialog';

/** What the built-in commands reach into. */
export interface CommandDeps {
  readonly networks: ReadonlyMap<string, NetworkRuntime>;
  readonly logins: LoginManager;
  readonly dialog: LoginDialog;
  readonly portals: PortalManager;
  readonly store: Store;
  readonly client: MatrixClient;
  readonly botUserId: string;
  readonly actions: PortalActions;
}

export function findNetwork(deps: CommandDeps, id: string | undefined): NetworkRuntime | undefined {
  return id ? deps.networks.get(id.toLowerCase()) : undefined;
}

export function networkList(deps: CommandDeps, filter: (n: NetworkRuntime) => boolean): string {
  return (
    [...deps.networks.values()]
      .filter(filter)
      .map((n) => n.id)
      .join(', ') || '(none)'
  );
}
