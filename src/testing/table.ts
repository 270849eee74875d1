/**
 * The feature table: one row per feature, one column per direction. The kit prints it and a
 * module README shows it between markers, so the README cannot claim more than the kit proved.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { CheckResult, CheckStatus, Feature } from './types';

const FEATURES: Record<Feature, string> = {
  login: 'Login (management room)',
  chat: 'Start a chat',
  text: 'Text messages',
  edits: 'Edits',
  reactions: 'Reactions',
  redactions: 'Redactions',
  replies: 'Replies',
  typing: 'Typing',
  receipts: 'Read receipts',
  echo: 'Echo suppression',
  escaping: 'Hostile text escaped',
  restart: 'Restart keeps login, portal, messages',
};

const MARKS: Record<CheckStatus, string> = {
  passed: '✅',
  failed: '❌',
  not_supported: '🚫 not supported',
  not_tested: '⏭ not tested',
  not_applicable: '—',
};

export const LEGEND =
  '✅ passed · ❌ failed · 🚫 not declared, and the core answers "not supported" · ⏭ the driver cannot make the remote side do it · — does not apply';

/**
 * Markdown table of `results` for a network shown as `displayName`.
 *
 * @example
 * const report = await runConformance({ module, driver, print: false });
 * console.log(formatFeatureTable('My Net', report.results)); // same as report.table
 */
export function formatFeatureTable(displayName: string, results: readonly CheckResult[]): string {
  const cell = (feature: Feature, direction: 'out' | 'in') => {
    const r = results.find((x) => x.feature === feature && x.direction === direction);
    return r ? MARKS[r.status] : '—';
  };
  const rows = (Object.keys(FEATURES) as Feature[]).map(
    (f) => `| ${FEATURES[f]} | ${cell(f, 'out')} | ${cell(f, 'in')} |`,
  );
  return [
    `| Feature | Matrix → ${displayName} | ${displayName} → Matrix |`,
    '| --- | --- | --- |',
    ...rows,
  ].join('\n');
}

export const README_START = '<!-- conformance:start -->';
export const README_END = '<!-- conformance:end -->';

// Prettier pads Markdown table cells; compare cell contents only.
const cells = (table: string) =>
  table
    .split('\n')
    .filter((l) => l.trim().startsWith('|'))
    .map((l) =>
      l
        .split('|')
        .map((c) => c.trim())
        .join('|')
        .replace(/\|-+(?=\|)/g, '|---'),
    );

/**
 * The table between the README's markers, or null when the README has none.
 *
 * @example
 * readmeTable('bridges/example/README.md'); // '| Feature | Matrix → Example | Example → Matrix |\n…'
 */
export function readmeTable(readmePath: string): string | null {
  if (!existsSync(readmePath)) return null;
  const text = readFileSync(readmePath, 'utf8');
  const start = text.indexOf(README_START);
  const end = text.indexOf(README_END);
  return start < 0 || end < start ? null : text.slice(start + README_START.length, end).trim();
}

/**
 * Null when the README shows `table` (cell contents compared, so Prettier's padding is fine);
 * else what is wrong and how to fix it.
 *
 * @example
 * const problem = readmeMismatch(`${__dirname}/../README.md`, report.table);
 * if (problem) throw new Error(problem);
 */
export function readmeMismatch(readmePath: string, table: string): string | null {
  const shown = readmeTable(readmePath);
  if (shown === null)
    return `${readmePath} has no feature table between ${README_START} and ${README_END}; add the markers (SWITCHBOARD_WRITE_README=1 fills them)`;
  if (cells(shown).join('\n') === cells(table).join('\n')) return null;
  return `${readmePath} shows a different feature table than this run proved (rerun with SWITCHBOARD_WRITE_README=1 to update it):\n${table}`;
}

/**
 * Writes `table` between the README's markers (appends a "Conformance" section when it has none).
 *
 * @example
 * if (report.passed) writeReadmeTable('README.md', report.table);
 */
export function writeReadmeTable(readmePath: string, table: string): void {
  const block = `${README_START}\n${table}\n${README_END}`;
  const text = existsSync(readmePath) ? readFileSync(readmePath, 'utf8') : '';
  const start = text.indexOf(README_START);
  const end = text.indexOf(README_END);
  const next =
    start >= 0 && end > start
      ? text.slice(0, start) + block + text.slice(end + README_END.length)
      : `${text.trimEnd()}\n\n## Conformance\n\n${block}\n`;
  writeFileSync(readmePath, next);
}
