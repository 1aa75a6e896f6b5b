import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { Linter } from 'eslint';
import config from '../eslint.config.js';

/**
 * agentry/import-boundaries, run through the repository's real ESLint config on source text
 * placed (by file name) where each case says: an app importing another app or a lib importing an
 * app is an error; everything else reaches an app only through `@agentry/<app>` or a subpath its
 * package.json exports. The cases that pass are the controls: the rule is not just always on.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const linter = new Linter({ configType: 'flat', cwd: ROOT });

/** The import-boundaries messages for `code` linted as the file `path` (relative to the root). */
function boundaryErrors(path: string, code: string): string[] {
  return linter
    .verify(code, config, { filename: join(ROOT, path) })
    .filter((m) => m.ruleId === 'agentry/import-boundaries' || m.fatal)
    .map((m) => m.message);
}

describe('an app never imports another app', () => {
  test.each([
    ['a relative path into its src', "import { startRegistry } from '../../../registry/src/registry-app.js';\nexport { startRegistry };"],
    ['a relative path up past the repository folders', "import { x } from '../../../../apps/registry/src/agents/domain/decide.js';\nexport { x };"],
    ['its package name', "import { startRegistry } from '@agentry/registry';\nexport { startRegistry };"],
    ['a deep package path', "import { x } from '@agentry/registry/src/registry-app.js';\nexport { x };"],
    ['an exported subpath', "import { loadRegistryConfig } from '@agentry/registry/config';\nexport { loadRegistryConfig };"],
    ['a type-only import', "import type { RunningRegistry } from '@agentry/registry';\nexport type R = RunningRegistry;"],
    ['a re-export', "export * from '../../../registry/src/config.js';"],
    ['a dynamic import', "export const load = () => import('../../../registry/src/config.js');"],
    ['an import() type', "export type C = import('@agentry/registry').RegistryConfig;"],
  ])('%s is an error', (_case, code) => {
    const errors = boundaryErrors('apps/gateway/src/agents/some-file.ts', code);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^apps\/gateway imports apps\/registry/);
  });

  test('its own src and libs are fine (control)', () => {
    const code = [
      "import { startGateway } from '../gateway-app.js';",
      "import { loadGatewayConfig } from '../../src/config.js';",
      "import { Subjects } from '@agentry/contracts';",
      'export { startGateway, loadGatewayConfig, Subjects };',
    ].join('\n');
    expect(boundaryErrors('apps/gateway/src/agents/some-file.ts', code)).toEqual([]);
  });
});

describe('the test packages (tests/*) are for tests only', () => {
  const harness = "import { startPlatform } from '@agentry/platform-harness';\nexport { startPlatform };";
  test.each(['apps/gateway/src/agents/agents.int.test.ts', 'apps/scheduler/src/testing/scheduler-test-kit.ts', 'apps/gateway/src/agents/agents-test-kit.ts'])(
    '%s (a test or test kit) may import the harness by package name (control)',
    (path) => {
      expect(boundaryErrors(path, harness)).toEqual([]);
    },
  );

  test('production code of an app may not: it would pull every other app into the service', () => {
    expect(boundaryErrors('apps/gateway/src/agents/agents.module.ts', harness)).toEqual([
      expect.stringMatching(/^apps\/gateway imports the test package @agentry\/platform-harness/),
    ]);
  });

  test('a lib may not, not even a test helper', () => {
    expect(boundaryErrors('libs/testing/src/test-database.ts', harness)).toEqual([expect.stringMatching(/^libs\/testing imports the test package/)]);
  });

  test("a path into the harness's src is an error even from a test", () => {
    const code = "import { startPlatform } from '../../../../tests/harness/src/platform-harness.js';\nexport { startPlatform };";
    expect(boundaryErrors('apps/gateway/src/agents/agents.int.test.ts', code)).toEqual([
      expect.stringMatching(/reaches into tests\/harness: import the package '@agentry\/platform-harness'/),
    ]);
  });

  test('inside the harness, its own relative imports are fine (control)', () => {
    expect(boundaryErrors('tests/harness/src/index.ts', "export { startPlatform } from './platform-harness.js';")).toEqual([]);
  });
});

describe('a lib never imports an app', () => {
  test.each([
    ["import { startExecutor } from '@agentry/executor';\nexport { startExecutor };"],
    ["import { x } from '../../../apps/executor/src/process/index.js';\nexport { x };"],
  ])('%s is an error', (code) => {
    expect(boundaryErrors('libs/testing/src/some-file.ts', code)).toEqual([expect.stringMatching(/^libs\/testing imports apps\/executor/)]);
  });

  test('another lib is fine (control)', () => {
    expect(boundaryErrors('libs/testing/src/some-file.ts', "import { EventStore } from '@agentry/event-store';\nexport { EventStore };")).toEqual([]);
  });
});

describe('tests, bench and deploy reach an app only through its public entries', () => {
  test.each([
    ['tests/platform/src/some.test.ts', "import { startRegistry } from '../../../apps/registry/src/registry-app.js';\nexport { startRegistry };"],
    ['tests/platform/src/some.test.ts', "import { x } from '@agentry/registry/src/registry-app.js';\nexport { x };"],
    ['tests/harness/src/some-file.ts', "import { x } from '@agentry/gateway/dist/gateway-app.js';\nexport { x };"],
    ['bench/projections/run.mjs', "const m = await import('../../apps/registry/dist/registry-app.js');\nexport { m };"],
    ['deploy/checks/src/some-file.ts', "import { loadExecutorConfig } from '../../../apps/executor/src/config.js';\nexport { loadExecutorConfig };"],
  ])('%s: a path into the app is an error', (path, code) => {
    expect(boundaryErrors(path, code)).toEqual([expect.stringMatching(/reaches into apps\/(registry|gateway|executor): import its public entry/)]);
  });

  test.each([
    [
      'tests/platform/src/some.test.ts',
      "import { startRegistry, registryProjections } from '@agentry/registry';\nexport { startRegistry, registryProjections };",
    ],
    ['deploy/checks/src/some-file.ts', "import { loadExecutorConfig } from '@agentry/executor/config';\nexport { loadExecutorConfig };"],
    ['bench/launch/run.mjs', "const { startRun } = await import('@agentry/executor/process');\nexport { startRun };"],
  ])('%s: the package name or an exported subpath is fine (control)', (path, code) => {
    expect(boundaryErrors(path, code)).toEqual([]);
  });
});
