/**
 * CPU use of the Postgres server on behalf of the bench database, read from /proc (Linux), so
 * the core-overhead bench can charge the database's work to the events too (PGlite runs inside
 * the bridge process and needs nothing of this).
 */
import { readFileSync } from 'node:fs';
import type { Client } from 'pg';

/**
 * CPU ticks (utime + stime) of the Postgres backends serving the bench database, or -1.
 * The pool closes idle connections, so every backend ever seen keeps its last reading:
 * `sample()` runs periodically to catch backends before they exit.
 */
export class PostgresCpu {
  private readonly seen = new Map<number, number>();

  constructor(private readonly client: Client | null) {}

  async sample(): Promise<number> {
    if (!this.client) return -1;
    try {
      const res = await this.client.query<{ pid: number }>(
        'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
      );
      for (const { pid } of res.rows) {
        try {
          const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
          const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
          this.seen.set(pid, Number(fields[11]) + Number(fields[12]));
        } catch {
          // The backend exited between the query and the read: its last reading stays.
        }
      }
    } catch {
      return -1;
    }
    let ticks = 0;
    for (const t of this.seen.values()) ticks += t;
    return ticks;
  }
}
