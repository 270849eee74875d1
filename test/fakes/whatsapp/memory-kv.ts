import type { SessionKeyValue } from '../../../bridges/whatsapp/session-store';

/** The key-value store the core will provide, in memory; `writes` lets tests see what was stored. */
export class MemoryKeyValue implements SessionKeyValue {
  readonly data = new Map<string, Buffer>();
  writes = 0;

  async get(key: string): Promise<Buffer | null> {
    const value = this.data.get(key);
    return value === undefined ? null : Buffer.from(value);
  }

  async set(key: string, value: Buffer): Promise<void> {
    this.writes += 1;
    this.data.set(key, Buffer.from(value));
  }

  async delete(key: string): Promise<void> {
    this.data.delete(key);
  }
}
