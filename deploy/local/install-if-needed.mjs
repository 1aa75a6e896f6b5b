/**
 * `prestart` / `pretest`: on a fresh clone, installs the locked dependencies (npm ci) so that
 * `npm start` and `npm test` are the only commands a newcomer needs. Once installed (npm's
 * hidden lockfile node_modules/.package-lock.json exists) it does nothing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './lib/paths.mjs';

if (!existsSync(path.join(REPO_ROOT, 'node_modules', '.package-lock.json'))) {
  console.log('agentry: first run: installing the dependencies (npm ci)');
  // npm sets npm_execpath for scripts: use the npm that runs us.
  const [command, args] = process.env.npm_execpath ? [process.execPath, [process.env.npm_execpath]] : ['npm', []];
  const result = spawnSync(command, [...args, 'ci', '--no-audit', '--no-fund'], { cwd: REPO_ROOT, stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
