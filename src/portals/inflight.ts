/**
 * Matrix → remote sends still waiting for their `message` row, per remote chat. A fast network
 * answers (an echo of our own message, a reply, a reaction) before `sendMessage` has even
 * returned; remote events of that chat wait for these sends so they find the mapping and never
 * bridge our own message back or drop a reply to it.
 */
export class InflightSends {
  private readonly pending = new Map<string, Set<Promise<unknown>>>();

  static key(network: string, chatId: string, receiver = ''): string {
    return `${network}\u0000${chatId}\u0000${receiver}`;
  }

  async track<T>(key: string, work: Promise<T>): Promise<T> {
    let set = this.pending.get(key);
    if (!set) this.pending.set(key, (set = new Set()));
    set.add(work);
    try {
      return await work;
    } finally {
      set.delete(work);
      if (set.size === 0) this.pending.delete(key);
    }
  }

  /** Resolves once every send of this chat that started before the call has finished. */
  async settled(key: string): Promise<void> {
    const set = this.pending.get(key);
    if (set) await Promise.allSettled([...set]);
  }
}
