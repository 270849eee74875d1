import type { MatrixPortalEvents } from '../portals/matrix-portal-events';
import { toBridgeError } from '../sdk/errors';
import type { StoredEvent } from '../store/ingest-repo';
import type { BridgeObserver } from './observer';

/**
 * Counts Matrix → remote events per network, and failures by their BridgeError code, around
 * `MatrixPortalEvents.handle` (the router turns the failure into a notice; we only watch).
 */
export function observePortalEvents(events: MatrixPortalEvents, observer: BridgeObserver): void {
  const handle = events.handle.bind(events);
  events.handle = async (net, portal, ev, sender) => {
    try {
      await handle(net, portal, ev, sender);
      observer.bridged('matrix_to_remote', net.id, true);
    } catch (err) {
      observer.bridged('matrix_to_remote', net.id, false, toBridgeError(err).code);
      throw err;
    }
  };
}

/** Wraps the ingest's per-event handler to count handled events and crashes. */
export function observeHandler(
  handle: (ev: StoredEvent) => Promise<void>,
  observer: BridgeObserver | undefined,
): (ev: StoredEvent) => Promise<void> {
  if (!observer) return handle;
  return async (ev) => {
    try {
      await handle(ev);
      observer.matrixEventHandled(true);
    } catch (err) {
      observer.matrixEventHandled(false);
      throw err;
    }
  };
}
