/**
 * Waiting for things to arrive over /sync. Everything a sync returns is kept, so an event that arrives
 * before the test starts waiting for it is still found (the usual source of flaky e2e tests); each
 * event or invite is handed out at most once, so waiting twice for "a message" yields two messages.
 */

export interface MatrixEvent {
  event_id: string;
  type: string;
  sender: string;
  /** Filled in from the sync section for events that arrive by /sync. */
  room_id: string;
  origin_server_ts: number;
  content: Record<string, unknown>;
  state_key?: string;
  redacts?: string;
  unsigned?: Record<string, unknown>;
}

/** The stripped state events that come with an invite. */
export interface StrippedStateEvent {
  type: string;
  sender: string;
  state_key: string;
  content: Record<string, unknown>;
}

/** One user's read receipt on an event, from a room's `m.receipt` ephemeral event. */
export interface Receipt {
  roomId: string;
  eventId: string;
  userId: string;
  /** `m.read` or `m.read.private`. */
  type: string;
}

export interface Invite {
  roomId: string;
  state: StrippedStateEvent[];
}

type SyncEvent = Omit<MatrixEvent, 'room_id'>;
interface SyncRoom {
  state?: { events?: SyncEvent[] };
  timeline?: { events?: SyncEvent[] };
  ephemeral?: { events?: { type: string; content: Record<string, unknown> }[] };
}
export interface SyncResponse {
  next_batch: string;
  rooms?: {
    join?: Record<string, SyncRoom>;
    leave?: Record<string, SyncRoom>;
    invite?: Record<string, { invite_state?: { events?: StrippedStateEvent[] } }>;
  };
}

/** Performs one /sync request from `since` (undefined: initial sync), long-polling up to `timeoutMs`. */
export type SyncRequest = (since: string | undefined, timeoutMs: number) => Promise<SyncResponse>;

// One long-poll never outlasts this, so a wait overshoots its deadline by at most this much.
const MAX_POLL_MS = 5_000;

export class SyncFeed {
  private since: string | undefined;
  private inflight: Promise<void> | undefined;
  private readonly events: MatrixEvent[] = [];
  private readonly seenEventIds = new Set<string>();
  private readonly invites: Invite[] = [];
  private readonly receipts: Receipt[] = [];
  private readonly handedOutEventIds = new Set<string>();
  private readonly handedOutReceipts = new Set<Receipt>();
  private readonly handedOutInvites = new Set<Invite>();

  constructor(private readonly request: SyncRequest) {}

  /** The first not yet handed out event in `roomId` matching `predicate`, waiting up to `timeoutMs`. */
  waitForEvent(
    roomId: string,
    predicate: (e: MatrixEvent) => boolean,
    timeoutMs: number,
  ): Promise<MatrixEvent> {
    return this.waitFor(
      () =>
        this.events.find(
          (e) => e.room_id === roomId && !this.handedOutEventIds.has(e.event_id) && predicate(e),
        ),
      (e) => this.handedOutEventIds.add(e.event_id),
      `an event in ${roomId}`,
      timeoutMs,
    );
  }

  /** The first not yet handed out receipt in `roomId` matching `predicate`, waiting up to `timeoutMs`. */
  waitForReceipt(roomId: string, predicate: (r: Receipt) => boolean, timeoutMs: number): Promise<Receipt> {
    return this.waitFor(
      () => this.receipts.find((r) => r.roomId === roomId && !this.handedOutReceipts.has(r) && predicate(r)),
      (r) => this.handedOutReceipts.add(r),
      `a receipt in ${roomId}`,
      timeoutMs,
    );
  }

  waitForInvite(predicate: (invite: Invite) => boolean, timeoutMs: number): Promise<Invite> {
    return this.waitFor(
      () => this.invites.find((i) => !this.handedOutInvites.has(i) && predicate(i)),
      (i) => this.handedOutInvites.add(i),
      'an invite',
      timeoutMs,
    );
  }

  private async waitFor<T>(
    find: () => T | undefined,
    handOut: (found: T) => void,
    what: string,
    timeoutMs: number,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    while (true) {
      const found = find();
      if (found !== undefined) {
        handOut(found);
        return found;
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
      await this.sync(Math.min(remaining, MAX_POLL_MS));
    }
  }

  /** Concurrent waits share one request: two syncs from the same token would each miss the other's data. */
  private sync(timeoutMs: number): Promise<void> {
    this.inflight ??= this.syncOnce(timeoutMs).finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private async syncOnce(timeoutMs: number): Promise<void> {
    const res = await this.request(this.since, this.since === undefined ? 0 : timeoutMs);
    for (const section of [res.rooms?.join, res.rooms?.leave]) {
      for (const [roomId, room] of Object.entries(section ?? {})) {
        for (const e of [...(room.state?.events ?? []), ...(room.timeline?.events ?? [])]) {
          if (this.seenEventIds.has(e.event_id)) continue;
          this.seenEventIds.add(e.event_id);
          this.events.push({ ...e, room_id: roomId });
        }
      }
    }
    for (const [roomId, room] of Object.entries(res.rooms?.join ?? {})) {
      for (const e of room.ephemeral?.events ?? []) {
        if (e.type !== 'm.receipt') continue;
        // { "$event": { "m.read": { "@user:server": { ts } } } }
        for (const [eventId, byType] of Object.entries(e.content)) {
          for (const [type, byUser] of Object.entries((byType ?? {}) as Record<string, object>)) {
            for (const userId of Object.keys(byUser ?? {}))
              this.receipts.push({ roomId, eventId, userId, type });
          }
        }
      }
    }
    for (const [roomId, room] of Object.entries(res.rooms?.invite ?? {})) {
      this.invites.push({ roomId, state: room.invite_state?.events ?? [] });
    }
    this.since = res.next_batch;
  }
}
