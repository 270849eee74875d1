import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { readmeTable } from '../../src/testing';

jest.setTimeout(120_000);

/**
 * docs/plugins.md cannot rot: every ```ts block is written to a scratch package (a block whose
 * first line is `// file: <path>` goes to that path, later blocks for the same path append) and
 * type-checked with `switchboard` and `switchboard/testing` resolving to this repo's sources.
 * Then the tutorial's own conformance test runs, unchanged, on the tutorial's module.
 */
const REPO = path.resolve(__dirname, '../..');
const DOC = path.join(REPO, 'docs/plugins.md');

interface Block {
  readonly file: string;
  readonly code: string;
  /** 1-based line of the block's first code line in the doc. */
  readonly docLine: number;
}

export function extractBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]?.trim() !== '```ts') continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end]?.trim() !== '```') end++;
    const code = lines.slice(start, end);
    const file = /^\/\/ file: (\S+)$/.exec(code[0] ?? '')?.[1] ?? `snippets/block-${blocks.length + 1}.ts`;
    blocks.push({ file, code: code.join('\n'), docLine: start + 1 });
    i = end;
  }
  return blocks;
}

/** Writes the blocks; returns, per written file, where each of its lines came from in the doc. */
function writeBlocks(root: string, blocks: readonly Block[]): Map<string, number[]> {
  const origin = new Map<string, number[]>();
  const text = new Map<string, string[]>();
  for (const b of blocks) {
    const file = path.join(root, b.file);
    const lines = b.code.split('\n');
    text.set(file, [...(text.get(file) ?? []), ...lines]);
    origin.set(file, [...(origin.get(file) ?? []), ...lines.map((_, i) => b.docLine + i)]);
  }
  for (const [file, lines] of text) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${lines.join('\n')}\n`);
  }
  return origin;
}

const doc = readFileSync(DOC, 'utf8');
const blocks = extractBlocks(doc);
const scratch = mkdtempSync(path.join(tmpdir(), 'sb-plugins-doc-'));
const origin = writeBlocks(scratch, blocks);
// At run time the tutorial imports `switchboard` like a plugin does; this stand-in package sends it
// to the repo's sources, so the core under test and the module share one SDK (as with npm).
const stub = path.join(scratch, 'node_modules', 'switchboard');
mkdirSync(stub, { recursive: true });
writeFileSync(
  path.join(stub, 'package.json'),
  JSON.stringify({ name: 'switchboard', exports: { '.': './index.js', './testing': './testing.js' } }),
);
writeFileSync(
  path.join(stub, 'index.js'),
  `module.exports = require(${JSON.stringify(path.join(REPO, 'src/sdk.ts'))});\n`,
);
writeFileSync(
  path.join(stub, 'testing.js'),
  `module.exports = require(${JSON.stringify(path.join(REPO, 'src/testing/index.ts'))});\n`,
);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('docs/plugins.md', () => {
  it('builds the tutorial module from the standard file set, with a conformance test', () => {
    const files = new Set(blocks.map((b) => b.file));
    for (const f of ['ids', 'config', 'client', 'login', 'to-matrix', 'from-matrix', 'index'])
      expect(files).toContain(`src/${f}.ts`);
    expect(files).toContain('test/conformance.test.ts');
  });

  it('has ts blocks that all compile against the SDK', () => {
    const config = ts.getParsedCommandLineOfConfigFile(
      path.join(REPO, 'tsconfig.json'),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => {
          throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
        },
      },
    );
    const options: ts.CompilerOptions = {
      ...config?.options,
      noEmit: true,
      rootDir: '/',
      baseUrl: scratch,
      paths: {
        switchboard: [path.join(REPO, 'src/sdk')],
        'switchboard/testing': [path.join(REPO, 'src/testing/index')],
      },
      typeRoots: [path.join(REPO, 'node_modules/@types')],
    };
    const program = ts.createProgram([...origin.keys()], options);
    // Only the doc's code: the core's own sources are type-checked by `npm test` itself.
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => !d.file || d.file.fileName.startsWith(scratch))
      .map((d) => {
        const message = ts.flattenDiagnosticMessageText(d.messageText, ' ');
        if (!d.file || d.start === undefined) return message;
        const { line } = d.file.getLineAndCharacterOfPosition(d.start);
        return `docs/plugins.md:${origin.get(d.file.fileName)?.[line] ?? '?'}: ${message}`;
      });
    expect(problems).toEqual([]);
  });

  it("shows the feature table the example module's README proves", () => {
    const shown = /```text\n(\| Feature[\s\S]*?)\n```/.exec(doc)?.[1];
    expect(shown).toBe(readmeTable(path.join(REPO, 'bridges/example/README.md')));
  });
});

// The tutorial's test, as written in the doc, runs the kit on the tutorial's module here.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loading it is what declares its suite
require(path.join(scratch, 'test/conformance.test.ts'));
