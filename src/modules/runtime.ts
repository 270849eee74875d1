import type { NetworkNamespace } from '../matrix/namespaces';
import type { RoleLevels } from '../portals/power-levels';
import type { BridgeModule, NetworkConnector } from '../sdk/module';

/** A loaded, configured network module with its connector and namespace. */
export interface NetworkRuntime {
  readonly id: string;
  readonly module: BridgeModule<never>;
  readonly connector: NetworkConnector;
  readonly ns: NetworkNamespace;
  readonly displayName: string;
  /** `bridges.<id>.role_power_levels` over the defaults; absent: the defaults. */
  readonly roleLevels?: RoleLevels;
}
