/** Which way an event crossed the bridge. */
export type Direction = 'matrix_to_remote' | 'remote_to_matrix';

/**
 * What the core reports as it works, for metrics. The core depends on this narrow interface,
 * not on prom-client, so a bridge without metrics pays nothing.
 */
export interface BridgeObserver {
  /** An appservice transaction arrived (`stored`: false when it was a retry seen before or failed). */
  transaction(events: number, stored: boolean): void;
  /** A stored Matrix event went through the router (`ok`: false when handling threw). */
  matrixEventHandled(ok: boolean): void;
  /** An event was bridged to the other side, or failed to be (`reason`: a BridgeError code). */
  bridged(direction: Direction, network: string, ok: boolean, reason?: string): void;
  /** One HTTP request to the homeserver finished (MatrixHttp's `onTiming`). */
  homeserverRequest(method: string, status: number, ms: number): void;
}
