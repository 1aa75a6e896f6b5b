// One Jest run for the whole monorepo: TypeScript sources are transformed by SWC
// (decorators + metadata for NestJS) and executed as native ES modules.
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'es6' },
  sourceMaps: 'inline',
};

/**
 * Each app's public entries — the subpaths its package.json "exports" lists ('.', './config', …),
 * the only way a package outside the app may import it (eslint: agentry/import-boundaries) —
 * mapped from their dist/ file to the TypeScript source: `@agentry/registry` →
 * apps/registry/src/index.ts, `@agentry/registry/config` → apps/registry/src/config.ts.
 */
function appEntries() {
  const entries = {};
  const apps = new URL('./apps/', import.meta.url);
  for (const app of readdirSync(apps)) {
    const manifest = new URL(`${app}/package.json`, apps);
    if (!existsSync(manifest)) continue;
    const { name, exports } = JSON.parse(readFileSync(manifest, 'utf8'));
    for (const [subpath, target] of Object.entries(exports ?? {})) {
      const file = typeof target === 'string' ? target : target?.default;
      if (!subpath.startsWith('.') || typeof file !== 'string' || !file.startsWith('./dist/')) continue;
      const specifier = (name + subpath.slice(1)).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      entries[`^${specifier}$`] = `<rootDir>/apps/${app}/src/${file.slice('./dist/'.length).replace(/\.js$/, '.ts')}`;
    }
  }
  return entries;
}

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  // .ts first: a stray compiled .js beside a source must never shadow it.
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleNameMapper: {
    ...appEntries(),
    '^@agentry/platform-harness$': '<rootDir>/tests/harness/src/index.ts',
    '^@agentry/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testMatch: [
    '<rootDir>/{apps,libs}/*/{src,test}/**/*.test.ts',
    '<rootDir>/deploy/*/test/**/*.test.ts',
    '<rootDir>/tests/*/src/**/*.test.ts',
    '<rootDir>/eslint/*.test.ts',
  ],
  globalSetup: '<rootDir>/libs/testing/src/jest-global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/jest-global-teardown.ts',
  testTimeout: 60000,
  maxWorkers: 2,
};
