import type { MatrixClient } from '../matrix/client';
import { DOUBLE_PUPPET_KEY } from '../matrix/double-puppet';
import type { RemoteEvent } from '../sdk/remote-events';
import type { Store } from '../store/store';

/** The remote events a user's own device can send that are shown as that user. */
const PUPPETED = new Set<RemoteEvent['type']>([
  'message',
  'edit',
  'reaction',
  'reaction_remove',
  'redaction',
  // Read on the phone: the user's receipt, so the room shows as read in their Matrix clients.
  'read',
]);

/**
 * Who shows what a logged-in user sent from another device (`isFromMe`): the Matrix user
 * themselves, through the double-puppet registration's client (src/matrix/double-puppet.ts),
 * when they are a user of our homeserver and joined to the room; otherwise (null) the ghost of
 * their own remote account, as without double puppeting.
 */
export class DoublePuppets {
  constructor(
    readonly client: MatrixClient,
    private readonly domain: string,
    private readonly store: Store,
  ) {}

  async userFor(network: string, roomId: string, ev: RemoteEvent): Promise<string | null> {
    if (!PUPPETED.has(ev.type) || !('sender' in ev) || !ev.sender.isFromMe) return null;
    const receiver = ev.chat.receiver;
    const owner = receiver ? await this.store.logins.owner(receiver) : null;
    if (!owner || owner.network !== network || !owner.userId.endsWith(`:${this.domain}`)) return null;
    return (await this.joined(roomId, owner.userId)) ? owner.userId : null;
  }

  /**
   * The stored membership, or, when it does not say `join` (the homeserver's join event may
   * still be on its way to us right after the user joined), the room's state as the user sees it.
   */
  private async joined(roomId: string, userId: string): Promise<boolean> {
    if ((await this.store.members.get(roomId, userId))?.membership === 'join') return true;
    const state = await this.client
      .getState<{ membership?: string }>(roomId, 'm.room.member', userId, userId)
      .catch(() => null); // 403 when the user may not see the room: not joined
    return state?.membership === 'join';
  }

  /** Marks content sent as a user, so its echo from the homeserver is not bridged back. */
  static mark(content: Record<string, unknown>, network: string): Record<string, unknown> {
    return { ...content, [DOUBLE_PUPPET_KEY]: network };
  }
}
