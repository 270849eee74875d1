/**
 * Command-line options of the core-overhead bench (flags listed in bench/core-overhead.ts and
 * docs/performance.md). The same parser serves the three roles of the one script: the main
 * process, the per-back-end bridge process and the null homeserver process (`--role`).
 */

export interface Options {
  backends: string[];
  pgUrl: string | undefined;
  rate: number;
  seconds: number;
  ceilingSeconds: number;
  rooms: number;
  users: number;
  remoteUsers: number;
  out: string | undefined;
  /** Counts and times every query and homeserver call per phase (slows the bridge a little). */
  trace: boolean;
  /** Phases to run (mceil, rceil, mrate, rrate, both); all when empty. */
  only: string[];
  /** Writes a CPU profile of the bridge process per phase into this directory. */
  profile: string | undefined;
  /**
   * Runs `sync` before each phase, so that a phase is not charged for the kernel's writeback of
   * the one before (on by default; `--no-settle`).
   */
  settle: boolean;
}

export function parseArgs(argv: readonly string[]): Options & { role: string } {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (!a.startsWith('--')) continue;
    const eq = a.indexOf('=');
    if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
    else if (argv[i + 1] === undefined || (argv[i + 1] as string).startsWith('--')) flags.set(a.slice(2), '');
    else flags.set(a.slice(2), argv[++i] as string);
  }
  const num = (k: string, d: number) => (flags.has(k) ? Number(flags.get(k)) : d);
  const pgUrl =
    flags.get('pg-url') ?? process.env.SWITCHBOARD_BENCH_PG_URL ?? process.env.SWITCHBOARD_TEST_PG_URL;
  return {
    role: flags.get('role') ?? 'main',
    backends: (flags.get('backends') ?? (pgUrl ? 'pglite,postgres' : 'pglite')).split(',').filter(Boolean),
    pgUrl,
    rate: num('rate', 1000),
    seconds: num('seconds', 10),
    ceilingSeconds: num('ceiling-seconds', 6),
    rooms: num('rooms', 50),
    users: num('users', 20),
    remoteUsers: num('remote-users', 20),
    out: flags.get('out'),
    trace: flags.has('trace'),
    only: (flags.get('only') ?? '').split(',').filter(Boolean),
    profile: flags.get('profile'),
    settle: !flags.has('no-settle'),
  };
}
