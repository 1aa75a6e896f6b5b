// ESLint for the whole monorepo (`npm run lint`, run by .ci/run before the tests).
// typescript-eslint's recommended set without type information: a type-aware run would build
// every project reference's program and costs minutes of CPU for little more than `tsc` finds.
// Plus agentry/import-boundaries (eslint/import-boundaries.js): no app imports another app,
// libs never import apps, everything else reaches an app only through its public entry, and the
// test packages (tests/*) are imported by tests only.
// Formatting is not linted here: a formatter owns layout.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import agentry from './eslint/import-boundaries.js';

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/dist/**', '**/coverage/**', '**/.turbo/**', '**/.agentry/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    plugins: { agentry },
    rules: {
      'agentry/import-boundaries': 'error',
      // A leading underscore is this codebase's way to say "deliberately unused": a positional
      // parameter an interface requires, or a field dropped from an object by rest destructuring.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // The sandbox's script runtime (libs/runtime/script) is CommonJS by design: it is loaded
    // with require() inside the agent's process. So are the example agents: scripts written the
    // way PhantomBuster's are (require('phantombuster'), require('puppeteer')).
    files: ['**/*.cjs', 'examples/agents/*/agent.js'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Tests probe untyped JSON bodies and hostile shapes (`(await res.json()) as any`); typing
    // each probe would add noise, not safety. Production code keeps the rule.
    files: ['**/*.test.ts', '**/*test-kit.ts', '**/*.test-kit.ts', '**/testing/**', 'tests/**', 'deploy/checks/test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
