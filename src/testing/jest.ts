/**
 * The kit as a test suite: one test per check, so a failure names the feature and says why.
 * Uses the runner's globals (jest, or any runner with describe/it/beforeAll) without importing
 * them, so `switchboard/testing` does not depend on jest.
 */
import { CHECKS, checkName } from './catalog';
import { runConformance } from './run';
import { readmeMismatch, writeReadmeTable } from './table';
import type { ConformanceOptions, ConformanceReport } from './types';

interface RunnerGlobals {
  describe(name: string, fn: () => void): void;
  beforeAll(fn: () => Promise<void>, timeoutMs?: number): void;
  it(name: string, fn: () => void): void;
}

/** The whole run must fit in this; checks wait at most `timeoutMs` each, a run takes ~10-30 s. */
const RUN_BUDGET_MS = 180_000;

/**
 * Declares a `conformance: <id>` suite: the kit runs once before the tests, then each check is a
 * test that passes or fails with the check's reason; with `readme`, one more test checks that the
 * README shows the table this run proved (`SWITCHBOARD_WRITE_README=1` rewrites it instead).
 *
 * @example
 * // test/conformance.test.ts of a module
 * import { describeConformance } from 'switchboard/testing';
 * import myModule from '../src';
 * import { driver } from './driver';
 *
 * describeConformance({ module: myModule, driver, readme: `${__dirname}/../README.md` });
 */
export function describeConformance(o: ConformanceOptions): void {
  const g = globalThis as unknown as Partial<RunnerGlobals>;
  if (!g.describe || !g.beforeAll || !g.it)
    throw new Error(
      'describeConformance needs a test runner with describe/it/beforeAll globals; use runConformance otherwise',
    );
  const name = 'manifest' in o.module ? o.module.manifest.id : o.module.id;
  const { describe, beforeAll, it } = g as RunnerGlobals;
  describe(`conformance: ${name}`, () => {
    let report: ConformanceReport | undefined;
    let crashed: Error | undefined;
    beforeAll(async () => {
      report = await runConformance(o).catch((err: Error) => ((crashed = err), undefined));
    }, RUN_BUDGET_MS);
    for (const check of CHECKS) {
      it(checkName(check), () => {
        if (crashed) throw crashed;
        const r = report?.results.find((x) => x.feature === check.feature && x.direction === check.direction);
        if (r?.status === 'failed') throw new Error(r.detail);
      });
    }
    const readme = o.readme;
    if (readme) {
      it('the README shows the feature table this run proved', () => {
        if (crashed || !report) throw crashed ?? new Error('the kit did not run');
        if (process.env.SWITCHBOARD_WRITE_README === '1') return writeReadmeTable(readme, report.table);
        const problem = readmeMismatch(readme, report.table);
        if (problem) throw new Error(problem);
      });
    }
  });
}
