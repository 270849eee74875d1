/**
 * Paces new connections and reconnects of one IRC network. After a server restart or a netsplit
 * every puppet's socket closes at once; each SafeClient waits its own jittered backoff, but hundreds
 * of them would still land on the server within a few seconds and trip its connection throttle
 * (Z-lines, "reconnecting too fast"). The gate lets at most `perSecond` through, in arrival order,
 * with the bot first so that channels are relayed again before any puppet returns.
 */
export class ConnectGate {
  private readonly waiting: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private next = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly perSecond: number) {}

  /** Connections waiting for their turn. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Resolves when this connection may open its socket; `first` jumps the queue (the bot). */
  wait(first = false): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the IRC network is stopping'));
    return new Promise((resolve, reject) => {
      if (first) this.waiting.unshift({ resolve, reject });
      else this.waiting.push({ resolve, reject });
      this.pump();
    });
  }

  /** Rejects everyone waiting (the module stops). */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    for (const w of this.waiting.splice(0)) w.reject(new Error('the IRC network is stopping'));
  }

  private pump(): void {
    if (this.timer || this.closed) return;
    const now = Date.now();
    if (now < this.next) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.pump();
      }, this.next - now);
      return;
    }
    const turn = this.waiting.shift();
    if (!turn) return;
    this.next = now + 1000 / this.perSecond;
    turn.resolve();
    if (this.waiting.length > 0) this.pump();
  }
}
