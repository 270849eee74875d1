/**
 * Core-overhead benchmark (docs/performance.md): the real `Bridge` with a null network module,
 * against a null homeserver (bench/null-homeserver.ts) in another process, all on 127.0.0.1.
 *
 *   npm run build && npm run bench -- [--backends pglite,postgres] [--pg-url postgres://…]
 *     [--rate 1000] [--seconds 10] [--ceiling-seconds 6] [--rooms 50] [--users 20] [--out file.json]
 *     [--trace] [--only mceil,rceil,mrate,rrate,both] [--profile dir]
 *
 * `--trace` prints per-phase query and homeserver-call counts and times (it slows the bridge a
 * little); `--profile dir` writes a CPU profile of the bridge process per phase
 * (dir/<back end>/<phase>.cpuprofile, for Chrome DevTools or speedscope).
 * Postgres needs an admin URL (a fresh database is created and dropped) from `--pg-url`,
 * `SWITCHBOARD_BENCH_PG_URL` or `SWITCHBOARD_TEST_PG_URL`; without one only PGlite runs.
 * Each back end runs in its own process, so RSS figures do not mix.
 *
 * This file is the entry point of all three processes, told apart by `--role`: the main process
 * (here: forks one bridge process per back end, prints the table, writes `--out`), the bridge
 * process (core-overhead-bridge.ts) and the null homeserver it forks (`runPeer`). Both forks run
 * this very file, so its `__filename` is handed down.
 */
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { NODE_FLAGS } from '../src/cli/node-flags';
import { runBackend } from './core-overhead-bridge';
import { parseArgs } from './core-overhead-options';
import { type BackendResult, table } from './core-overhead-results';
import { runPeer } from './null-homeserver';
import { nowMs } from './stats';

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  if (o.role === 'peer') return runPeer();
  if (o.role === 'bridge') {
    const result = await runBackend(o, o.backends[0] as string, __filename);
    process.send?.({ result });
    return;
  }
  const started = nowMs();
  console.log(
    `core-overhead: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}; ` +
      `${o.rooms} portals, ${o.users} Matrix users, ${o.remoteUsers} remote users, ${o.rate} ev/s for ${o.seconds} s, ceilings over ${o.ceilingSeconds} s`,
  );
  const results: BackendResult[] = [];
  for (const backend of o.backends) {
    const args = process.argv
      .slice(2)
      .filter(
        (_, i, a) => a[i] !== '--backends' && a[i - 1] !== '--backends' && !a[i]?.startsWith('--backends='),
      );
    // The bridge runs with the Node flags of the deployments; BENCH_BRIDGE_NODE_ARGS replaces
    // them ('' for Node's defaults).
    const nodeArgs = (process.env.BENCH_BRIDGE_NODE_ARGS ?? NODE_FLAGS.join(' ')).split(' ').filter(Boolean);
    const child = fork(__filename, [...args, '--role', 'bridge', '--backends', backend], {
      execArgv: nodeArgs,
      stdio: 'inherit',
    });
    const result = await new Promise<BackendResult>((resolve, reject) => {
      child.once('message', (m: { result: BackendResult }) => resolve(m.result));
      child.once('exit', (code) => reject(new Error(`${backend} run exited with ${code}`)));
    });
    await new Promise((r) => child.once('exit', r));
    results.push(result);
  }
  console.log(table(results));
  for (const r of results)
    console.log(
      `${r.backend}: set-up ${r.setupMs} ms, idle RSS ${r.rssIdleMB} MB, load average ${r.loadAverage.join(' ')}, sink calls ${JSON.stringify(r.sinkRoutes)}`,
    );
  console.log(`total ${((nowMs() - started) / 1000).toFixed(1)} s`);
  if (o.out) writeFileSync(o.out, JSON.stringify({ options: o, results }, null, 2));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
