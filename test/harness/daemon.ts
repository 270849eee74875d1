/** A test server run as a child process: spawned, its output tail kept, stopped gracefully. */
import { spawn, type ChildProcess } from 'node:child_process';

const STOP_GRACE_MS = 5_000;
/** How much of a daemon's output (and log) error messages quote. */
export const OUTPUT_KEEP = 16_384;

/** A foreground child process whose output is kept (the tail) for error messages. */
export class Daemon {
  private output = '';
  private readonly exited: Promise<void>;
  private readonly killOnExit = (): void => void this.child.kill('SIGKILL');

  private constructor(private readonly child: ChildProcess) {
    const keep = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString('utf8')).slice(-OUTPUT_KEEP);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.once('error', (err) => {
        this.output += `\n${err.message}`;
        resolve();
      });
    });
    // A crashed jest worker must not leave IRC daemons behind.
    process.once('exit', this.killOnExit);
  }

  static spawn(command: string, args: string[], cwd: string): Daemon {
    return new Daemon(spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] }));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get recentOutput(): string {
    return this.output;
  }

  /** SIGTERM, then SIGKILL after STOP_GRACE_MS. */
  async stop(): Promise<void> {
    process.removeListener('exit', this.killOnExit);
    if (!this.running) return;
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<boolean>(
      (resolve) => (timer = setTimeout(() => resolve(true), STOP_GRACE_MS)),
    );
    const killed = await Promise.race([this.exited.then(() => false), gaveUp]);
    clearTimeout(timer);
    if (killed) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }
}
