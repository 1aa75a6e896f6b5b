// One Jest run for the whole monorepo: TypeScript sources are transformed by SWC
// (decorators + metadata for NestJS) and executed as native ES modules.
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'es6' },
  sourceMaps: 'inline',
};

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  // .ts first: a stray compiled .js beside a source must never shadow it.
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleNameMapper: {
    // An app's package name resolves to its public entry (apps/<app>/src/index.ts), the only
    // way a package outside the app may import it (eslint: agentry/import-boundaries).
    '^@agentry/(registry|gateway|output|executor|scheduler|notifier)$': '<rootDir>/apps/$1/src/index.ts',
    '^@agentry/(registry|gateway|output|executor|scheduler|notifier)/config$': '<rootDir>/apps/$1/src/config.ts',
    '^@agentry/platform-harness$': '<rootDir>/tests/harness/src/index.ts',
    '^@agentry/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testMatch: ['<rootDir>/{apps,libs}/*/{src,test}/**/*.test.ts', '<rootDir>/deploy/*/test/**/*.test.ts', '<rootDir>/tests/*/src/**/*.test.ts', '<rootDir>/eslint/*.test.ts'],
  globalSetup: '<rootDir>/libs/testing/src/jest-global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/jest-global-teardown.ts',
  testTimeout: 60000,
  maxWorkers: 2,
};
