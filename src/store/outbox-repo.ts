import { Coalescer } from './coalescer';
import type { Queryable } from './database';
import { toJsonb } from './jsonb';

export interface OutboxRow {
  seq: number;
  network: string;
  chat_id: string;
  receiver: string;
  body: Record<string, unknown>;
  attempts: number;
}

type NewRow = { network: string; chatId: string; receiver: string; body: string };

/**
 * Remote events waiting for delivery to Matrix; a row lives until its event is sent.
 * Concurrent inserts are grouped into one statement (see `Coalescer`); within a group the
 * sequence numbers follow the order of the calls.
 */
export class OutboxRepo {
  private readonly inserts: Coalescer<NewRow, number>;

  constructor(
    private readonly db: Queryable,
    o: { maxInFlight?: number } = {},
  ) {
    this.inserts = new Coalescer((rows) => this.insertMany(rows), o);
  }

  /** Resolves with the row's sequence number once it is committed. */
  insert(network: string, chatId: string, receiver: string, body: unknown): Promise<number> {
    return this.inserts.run({ network, chatId, receiver, body: toJsonb(body) });
  }

  private async insertMany(rows: NewRow[]): Promise<number[]> {
    if (rows.length === 1) {
      const r = rows[0] as NewRow;
      const res = await this.db.query<{ seq: number }>(
        'INSERT INTO outbox (network, chat_id, receiver, body, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING seq',
        [r.network, r.chatId, r.receiver, r.body, Date.now()],
      );
      return [(res.rows[0] as { seq: number }).seq];
    }
    const res = await this.db.query<{ seq: number }>(
      `INSERT INTO outbox (network, chat_id, receiver, body, created_at)
       SELECT n, c, r, b::jsonb, $5 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS t(n, c, r, b, i)
       ORDER BY i RETURNING seq`,
      [
        rows.map((r) => r.network),
        rows.map((r) => r.chatId),
        rows.map((r) => r.receiver),
        rows.map((r) => r.body),
        Date.now(),
      ],
    );
    // Sequence values are drawn in insertion order, which follows ORDER BY i.
    return res.rows.map((r) => r.seq).sort((a, b) => a - b);
  }

  async pending(): Promise<OutboxRow[]> {
    const res = await this.db.query<OutboxRow>('SELECT * FROM outbox ORDER BY seq');
    return res.rows;
  }

  async delete(seqs: readonly number[]): Promise<void> {
    if (seqs.length === 0) return;
    await this.db.query('DELETE FROM outbox WHERE seq = ANY($1::bigint[])', [seqs]);
  }
}
