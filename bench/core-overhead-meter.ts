/**
 * What the core-overhead bench measures of the bridge process itself over each phase: peak
 * RSS, CPU (its own and, through a callback, the database's), event-loop delay, and optionally
 * a CPU profile. It runs inside the bridge process, so `process` is the bridge.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import path from 'node:path';
import { nowMs } from './stats';

export interface Metered {
  rssPeakMB: number;
  /** CPU time of the bridge process (all its threads) over wall time. */
  cpuPct: number;
  /** Same for the Postgres backends of the bench database. */
  dbCpuPct: number | null;
  cpuMs: number;
  dbCpuMs: number | null;
  wallMs: number;
  /** p99 of the bridge's event-loop delay: the floor under any latency it adds. */
  loopDelayP99Ms: number;
}

/** Peak RSS and CPU use of this (the bridge's) process over a phase. */
export class Meter {
  private peak = 0;
  private readonly timer: NodeJS.Timeout;
  private cpu = process.cpuUsage();
  private wall = nowMs();
  private dbTicks = 0;

  private profiler: Session | null = null;
  private phase = '';

  private readonly loopDelay = monitorEventLoopDelay({ resolution: 1 });
  private ticker = 0;

  constructor(
    private readonly dbCpu: () => Promise<number>,
    private readonly profileDir?: string,
  ) {
    this.timer = setInterval(() => {
      this.peak = Math.max(this.peak, process.memoryUsage.rss());
      if (++this.ticker % 5 === 0) void this.dbCpu();
    }, 100);
    this.loopDelay.enable();
  }

  async reset(phase: string): Promise<void> {
    this.phase = phase;
    if (this.profileDir) {
      this.profiler ??= new Session();
      this.profiler.connect();
      await this.profiler.post('Profiler.enable');
      await this.profiler.post('Profiler.start');
    }
    this.peak = process.memoryUsage.rss();
    this.cpu = process.cpuUsage();
    this.wall = nowMs();
    this.dbTicks = await this.dbCpu();
    this.loopDelay.reset();
  }

  async read(): Promise<Metered> {
    const c = process.cpuUsage(this.cpu);
    const wall = nowMs() - this.wall;
    this.peak = Math.max(this.peak, process.memoryUsage.rss());
    const ticks = await this.dbCpu();
    if (this.profiler && this.profileDir) {
      const { profile } = await this.profiler.post('Profiler.stop');
      writeFileSync(path.join(this.profileDir, `${this.phase}.cpuprofile`), JSON.stringify(profile));
      this.profiler.disconnect();
    }
    const hz = 100; // USER_HZ on Linux
    const loopDelayP99Ms = this.loopDelay.percentile(99) / 1e6;
    const cpuMs = (c.user + c.system) / 1000;
    const dbCpuMs = ticks < 0 ? null : ((ticks - this.dbTicks) / hz) * 1000;
    return {
      rssPeakMB: Math.round(this.peak / 1048576),
      cpuPct: Math.round((cpuMs / wall) * 100),
      dbCpuPct: dbCpuMs === null ? null : Math.round((dbCpuMs / wall) * 100),
      cpuMs,
      dbCpuMs,
      wallMs: wall,
      loopDelayP99Ms,
    };
  }

  stop(): void {
    clearInterval(this.timer);
    this.loopDelay.disable();
  }
}
