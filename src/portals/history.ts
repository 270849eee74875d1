import type { NetworkRuntime } from '../modules/runtime';
import type { Logger } from '../sdk/context';
import type { RemoteChatRef } from '../sdk/ids';
import type { RemoteMessageEvent } from '../sdk/remote-events';
import type { RemoteEventHandler } from './remote-handler';

/** At most this many history messages per new portal, whatever a module returns. */
export const MAX_HISTORY = 500;
/**
 * And no more time than this: a portal made for an alias join is waited for by the homeserver's
 * alias query (Synapse gives up after a minute), and history with many files is slow.
 */
export const HISTORY_BUDGET_MS = 15_000;

const sameChat = (a: RemoteChatRef, b: RemoteChatRef) =>
  a.id === b.id && (a.receiver ?? '') === (b.receiver ?? '');

/**
 * A new portal's history (SDK 1.3 `fetchHistory`): asked of the module once the room exists,
 * and sent into the room oldest first, as backfill with the messages' own timestamps, before
 * the portal is handed to anyone, so the event that created the room comes after its past.
 * The handler skips messages already bridged (the one that created the room may be among
 * them). Best effort: a failure is logged and costs the history only, and so does running out
 * of time (the oldest messages are sent first, so what is cut is the newest).
 *
 * @example
 * portals.onCreated = historyFiller(networks, handler, log);
 */
export function historyFiller(
  networks: ReadonlyMap<string, NetworkRuntime>,
  handler: Pick<RemoteEventHandler, 'handle'>,
  log: Logger,
  budgetMs = HISTORY_BUDGET_MS,
): (network: string, chat: RemoteChatRef) => Promise<void> {
  return async (network, chat) => {
    const net = networks.get(network);
    if (!net?.connector.fetchHistory) return;
    const deadline = Date.now() + budgetMs;
    let events: RemoteMessageEvent[];
    let timer: NodeJS.Timeout | undefined;
    const outOfTime = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${budgetMs} ms`)), budgetMs);
    });
    try {
      events = await Promise.race([net.connector.fetchHistory(chat), outOfTime]);
    } catch (err) {
      log.warn('portal history not fetched', { network, chat: chat.id, error: String(err) });
      return;
    } finally {
      clearTimeout(timer);
    }
    // Only messages of this chat: history must not reach into other rooms.
    const ordered = events
      .filter((e) => e.type === 'message' && sameChat(e.chat, chat))
      .sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0))
      .slice(-MAX_HISTORY);
    for (const [i, ev] of ordered.entries()) {
      if (Date.now() > deadline) {
        log.warn('portal history cut short: out of time', {
          network,
          chat: chat.id,
          left: ordered.length - i,
        });
        return;
      }
      try {
        await handler.handle(net, { ...ev, backfill: true });
      } catch (err) {
        log.warn('history message not bridged', { network, chat: chat.id, id: ev.id, error: String(err) });
      }
    }
  };
}
