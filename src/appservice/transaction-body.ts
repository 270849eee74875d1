import type { IncomingEvent } from '../store/ingest-repo';

export interface ParsedTransaction {
  /** Room events with an event_id: stored durably before we answer. */
  readonly events: IncomingEvent[];
  /** Typing, receipts, presence: lossy by nature, handled in memory. */
  readonly ephemeral: Record<string, unknown>[];
  /** Events dropped because they lack the fields every room event has. */
  readonly rejected: number;
}

/** Thrown for a body that is not a transaction at all; answered with 400. */
export class TransactionShapeError extends Error {
  override readonly name = 'TransactionShapeError';
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Validates the transaction's shape. One malformed event must not fail the whole
 * transaction (the homeserver would retry it forever and stall the bridge), so bad events
 * are dropped and counted, and only a body that is not a transaction gets a 400.
 */
export function parseTransaction(body: unknown): ParsedTransaction {
  if (!isObject(body)) throw new TransactionShapeError('body must be a JSON object');
  const events = body.events ?? [];
  if (!Array.isArray(events)) throw new TransactionShapeError('"events" must be an array');
  const ephemeralRaw = body.ephemeral ?? body['de.sorunome.msc2409.ephemeral'] ?? [];
  if (!Array.isArray(ephemeralRaw)) throw new TransactionShapeError('"ephemeral" must be an array');
  const parsed: IncomingEvent[] = [];
  let rejected = 0;
  for (const ev of events) {
    if (
      isObject(ev) &&
      typeof ev.event_id === 'string' &&
      typeof ev.room_id === 'string' &&
      typeof ev.type === 'string' &&
      typeof ev.sender === 'string' &&
      ev.event_id.length <= 255 &&
      ev.room_id.length <= 255
    ) {
      parsed.push({ eventId: ev.event_id, roomId: ev.room_id, body: ev });
    } else {
      rejected++;
    }
  }
  return { events: parsed, ephemeral: ephemeralRaw.filter(isObject), rejected };
}
