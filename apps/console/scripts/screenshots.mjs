// Saves screenshots of the console's main pages, light and dark, to docs/images/ (used in the README).
// They are taken by the console's browser test on the platform it starts (real data, nothing staged
// by hand): this runs that one test file with CONSOLE_SCREENSHOTS=1.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const result = spawnSync(
  process.execPath,
  ['--experimental-vm-modules', '--no-warnings', 'node_modules/jest/bin/jest.js', 'apps/console/test/console.int.test.ts'],
  { cwd: root, stdio: 'inherit', env: { ...process.env, CONSOLE_SCREENSHOTS: '1' } },
);
process.exit(result.status ?? 1);
