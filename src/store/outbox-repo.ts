import type { Queryable } from './database';

export interface OutboxRow {
  seq: number;
  network: string;
  chat_id: string;
  receiver: string;
  body: Record<string, unknown>;
  attempts: number;
}

/** Remote events waiting for delivery to Matrix; a row lives until its event is sent. */
export class OutboxRepo {
  constructor(private readonly db: Queryable) {}

  async insert(network: string, chatId: string, receiver: string, body: unknown): Promise<number> {
    const res = await this.db.query<{ seq: number }>(
      'INSERT INTO outbox (network, chat_id, receiver, body, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING seq',
      [network, chatId, receiver, JSON.stringify(body), Date.now()],
    );
    return (res.rows[0] as { seq: number }).seq;
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
