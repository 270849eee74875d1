import { loadModule } from '../modules/loader';
import type { BridgeModule } from '../sdk';
import { CHECKS, checkName } from './catalog';
import { defaultBackend, preflight, startKitHarness } from './harness';
import { KitRun } from './kit-run';
import { observeModule } from './observe';
import { formatFeatureTable, LEGEND } from './table';
import type { CheckResult, ConformanceOptions, ConformanceReport, ModuleUnderTest } from './types';

/** A module object as is; `{ id, from }` through the core's loader, with its id and SDK checks (not public). */
export async function resolveModule(m: ModuleUnderTest): Promise<BridgeModule<never>> {
  if ('manifest' in m) return m as BridgeModule<never>;
  return loadModule(m.id, m.from, process.cwd());
}

/**
 * Runs the module inside the real core against a real Synapse and checks every feature its
 * manifest declares, both ways. Never throws for a failed check: the report says what failed and
 * why; it throws only when the run itself cannot start (no Synapse, a module the loader refuses).
 *
 * @example
 * import { runConformance } from 'switchboard/testing';
 * import myModule from '../src';
 *
 * const report = await runConformance({ module: myModule, driver: myDriver });
 * if (!report.passed) process.exitCode = 1; // the table and the failures are already printed
 */
export async function runConformance(o: ConformanceOptions): Promise<ConformanceReport> {
  const backend = o.backend ?? defaultBackend();
  preflight(backend);
  const mod = await resolveModule(o.module);
  const { module, observed } = observeModule(mod);
  const results: CheckResult[] = [];
  const h = await startKitHarness(module, o.driver.config ?? {}, backend);
  try {
    const user = await h.user('kituser');
    const k = new KitRun(h, user, mod, o.driver, observed, o.timeoutMs ?? 10_000);
    const roomId = await user.createRoom({
      invite: [h.bridge.botUserId],
      is_direct: true,
      preset: 'trusted_private_chat',
    });
    k.mgmt = roomId;
    await k.bot(roomId, (b) => b.includes('management room'), "the bot's welcome in the management room");
    let blocked: string | null = null;
    for (const check of CHECKS) {
      const started = Date.now();
      const base = { feature: check.feature, direction: check.direction, title: check.title };
      if (blocked) {
        results.push({ ...base, status: 'failed', detail: `not run: ${blocked}`, ms: 0 });
        continue;
      }
      try {
        const outcome = await check.run(k);
        results.push({
          ...base,
          status: outcome?.status ?? 'passed',
          ...(outcome?.detail ? { detail: outcome.detail } : {}),
          ms: Date.now() - started,
        });
      } catch (err) {
        results.push({ ...base, status: 'failed', detail: (err as Error).message, ms: Date.now() - started });
        if (check.required) blocked = `${check.feature} failed`;
      }
    }
  } finally {
    await h.stop();
  }
  const report: ConformanceReport = {
    network: mod.manifest.id,
    displayName: mod.manifest.displayName,
    results,
    table: formatFeatureTable(mod.manifest.displayName, results),
    passed: results.every((r) => r.status !== 'failed'),
  };
  if (o.print ?? true) process.stdout.write(`\n${renderReport(report)}\n`);
  return report;
}

/**
 * The table, its legend and every failure's reason, as the kit prints them.
 *
 * @example
 * const report = await runConformance({ module, driver, print: false });
 * if (!report.passed) console.error(renderReport(report));
 */
export function renderReport(report: ConformanceReport): string {
  const failures = report.results
    .filter((r) => r.status === 'failed')
    .map((r) => `✗ ${checkName(r)}\n    ${String(r.detail).replace(/\n/g, '\n    ')}`);
  const notes = report.results
    .filter((r) => r.status !== 'failed' && r.detail)
    .map((r) => `• ${checkName(r)}: ${r.detail}`);
  const took = report.results.reduce((s, r) => s + r.ms, 0);
  return [
    `Conformance of ${report.displayName} (${report.network}): ${report.passed ? 'passed' : 'FAILED'} in ${(took / 1000).toFixed(1)} s`,
    '',
    report.table,
    '',
    LEGEND,
    ...(notes.length ? ['', ...notes] : []),
    ...(failures.length ? ['', ...failures] : []),
  ].join('\n');
}
