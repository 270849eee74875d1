/**
 * The bridge process's handle on the null homeserver (bench/null-homeserver.ts), which runs as
 * its own process so its CPU is not charged to the bridge. The child is the bench's entry script
 * again with `--role peer`: the caller passes that script's path, because this file is not it.
 */
import { type ChildProcess, fork } from 'node:child_process';
import type { PeerRequest } from './null-homeserver';
import { withTimeout } from './wait';

/** Talks to the null homeserver process. */
export class Peer {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    child.on('message', (m: { id: number; result?: unknown; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.error) p.reject(new Error(m.error));
      else p.resolve(m.result);
    });
  }

  /** Forks `entryScript` (bench/core-overhead.js) as the null homeserver. */
  static async start(entryScript: string): Promise<Peer> {
    const child = fork(entryScript, ['--role', 'peer'], { execArgv: [], stdio: 'inherit' });
    const port = await withTimeout(
      'the null homeserver',
      new Promise<number>((resolve, reject) => {
        child.once('message', (m: { ready?: number }) =>
          m.ready ? resolve(m.ready) : reject(new Error('bad')),
        );
        child.once('exit', (code) => reject(new Error(`null homeserver exited with ${code}`)));
      }),
      20_000,
    );
    return new Peer(child, port);
  }

  call<T>(req: PeerRequest): Promise<T> {
    const id = ++this.nextId;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, req });
    });
  }

  stop(): void {
    this.child.disconnect();
  }
}
