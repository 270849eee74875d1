/**
 * The Node flags the bridge process is started with (Dockerfile ENTRYPOINT,
 * contrib/switchboard.service; test/deploy/dockerfile.test.ts keeps them in step, and the
 * core-overhead bench starts its bridge with them).
 *
 * `--v8-pool-size=1`: one V8 background thread instead of four. The bridge's two JavaScript
 * threads (the main thread and the PGlite worker) share V8's pool; with four threads, a major
 * GC's concurrent marking makes four runnable threads at once, and on a 2-core machine the
 * PGlite worker then waits 10–15 ms for a core while every remote message queues behind it
 * (docs/performance.md). Marking still runs beside the main thread, on the one pool thread.
 */
export const NODE_FLAGS: readonly string[] = ['--v8-pool-size=1'];
