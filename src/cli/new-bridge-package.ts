/**
 * The files that make a scaffolded module its own npm package: `switchboard` as a peer
 * dependency (the core and the module must share one SDK copy, or `instanceof BridgeError`
 * fails across them), the kit run by jest, and tsc building dist/ for the loader.
 */

/** The parts of Switchboard's own package.json the scaffold copies versions from. */
export interface SwitchboardPackage {
  readonly version: string;
  readonly devDependencies?: Readonly<Record<string, string>>;
}

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

export function packageFiles(
  packageName: string,
  id: string,
  displayName: string,
  sb: SwitchboardPackage,
): Record<string, string> {
  const dev = (name: string, fallback: string) => sb.devDependencies?.[name] ?? fallback;
  const switchboard = `^${sb.version}`;
  return {
    'package.json': json({
      name: packageName,
      version: '0.1.0',
      description: `A Switchboard bridge module for ${displayName} (module id "${id}")`,
      keywords: ['switchboard-bridge', 'matrix', 'bridge'],
      main: 'dist/index.js',
      types: 'dist/index.d.ts',
      files: ['dist', 'README.md'],
      scripts: {
        build: 'tsc -p tsconfig.build.json',
        typecheck: 'tsc -p tsconfig.json --noEmit',
        // PGlite (the kit's database without SWITCHBOARD_TEST_PG_URL) loads its WASM through import().
        test: 'NODE_OPTIONS=--experimental-vm-modules jest',
      },
      peerDependencies: { switchboard: switchboard },
      devDependencies: {
        switchboard: switchboard,
        '@swc/core': dev('@swc/core', '^1.16.0'),
        '@swc/jest': dev('@swc/jest', '^0.2.39'),
        '@types/jest': dev('@types/jest', '^30.0.0'),
        '@types/node': dev('@types/node', '^24.0.0'),
        jest: dev('jest', '^30.0.0'),
        typescript: dev('typescript', '5.9'),
      },
    }),
    'tsconfig.json': json({
      compilerOptions: {
        target: 'ES2023',
        module: 'node16',
        moduleResolution: 'node16',
        strict: true,
        noUncheckedIndexedAccess: true,
        esModuleInterop: true,
        skipLibCheck: true,
        declaration: true,
        sourceMap: true,
        outDir: 'dist',
        rootDir: '.',
        types: ['node', 'jest'],
      },
      include: ['src', 'test'],
    }),
    'tsconfig.build.json': json({
      extends: './tsconfig.json',
      compilerOptions: { rootDir: 'src', types: ['node'] },
      include: ['src'],
    }),
    'jest.config.js': `/** Jest runs the TypeScript sources through swc; \`npm run typecheck\` checks the types. */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\\\.ts$': ['@swc/jest', { jsc: { target: 'es2023' } }] },
  testTimeout: 30000,
};
`,
    '.gitignore': 'node_modules/\ndist/\n',
  };
}
