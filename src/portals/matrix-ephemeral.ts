import type { LoginManager } from '../logins/login-manager';
import type { NetworkRuntime } from '../modules/runtime';
import type { PortalInfo } from '../sdk/ids';
import type { MatrixSender } from '../sdk/matrix-message';
import { toMessageRef } from '../store/message-repo';
import { toPortalInfo, type PortalRow } from '../store/portal-repo';
import type { Store } from '../store/store';

export interface EphemeralDeps {
  readonly store: Store;
  readonly networks: ReadonlyMap<string, NetworkRuntime>;
  readonly logins: LoginManager;
  readonly isOurs: (userId: string) => boolean;
  readonly sender: (roomId: string, userId: string) => Promise<MatrixSender>;
}

/**
 * Typing and read receipts from Matrix (MSC2409 ephemeral events). They are lossy by nature,
 * so this is best effort and never stored; `m.typing` carries the full set of typing users,
 * so a user missing from the new set has stopped.
 */
export class MatrixEphemeral {
  private readonly typing = new Map<string, Set<string>>();

  constructor(private readonly d: EphemeralDeps) {}

  async handle(ev: Record<string, unknown>): Promise<void> {
    const roomId = ev.room_id;
    if (typeof roomId !== 'string') return;
    const row = await this.d.store.portals.byRoom(roomId);
    const net = row ? this.d.networks.get(row.network) : undefined;
    if (!row?.room_id || !net) return;
    const portal = toPortalInfo(row as PortalRow & { room_id: string });
    const content = (ev.content ?? {}) as Record<string, unknown>;
    if (ev.type === 'm.typing' && Array.isArray(content.user_ids)) {
      const now = new Set(
        content.user_ids.filter((u): u is string => typeof u === 'string' && !this.d.isOurs(u)),
      );
      const before = this.typing.get(roomId) ?? new Set<string>();
      this.typing.set(roomId, now);
      for (const u of now) if (!before.has(u)) await this.setTyping(net, portal, u, true);
      for (const u of before) if (!now.has(u)) await this.setTyping(net, portal, u, false);
    } else if (ev.type === 'm.receipt') {
      await this.receipts(net, portal, content);
    }
  }

  private async setTyping(
    net: NetworkRuntime,
    portal: PortalInfo,
    userId: string,
    typing: boolean,
  ): Promise<void> {
    const actor = await this.d.sender(portal.roomId, userId);
    const session = await this.d.logins.sessionFor(net, actor, portal).catch(() => null);
    await session?.setTyping?.(portal, typing, actor).catch(() => undefined);
  }

  /** `{ "$event": { "m.read": { "@user": { ts } } } }`: only public receipts, only bridged events of this room. */
  private async receipts(
    net: NetworkRuntime,
    portal: PortalInfo,
    content: Record<string, unknown>,
  ): Promise<void> {
    for (const [eventId, kinds] of Object.entries(content)) {
      const readers = (kinds as { 'm.read'?: Record<string, unknown> } | null)?.['m.read'];
      if (!readers) continue;
      const target = await this.d.store.messages.byEventId(eventId);
      if (!target || target.room_id !== portal.roomId) continue;
      for (const userId of Object.keys(readers).filter((u) => !this.d.isOurs(u))) {
        const actor = await this.d.sender(portal.roomId, userId);
        const session = await this.d.logins.sessionFor(net, actor, portal).catch(() => null);
        await session?.markRead?.(portal, toMessageRef(target), actor).catch(() => undefined);
      }
    }
  }
}
