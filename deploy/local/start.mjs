/**
 * `npm start` (after `npm run build`). Ctrl-C in a terminal signals the whole foreground
 * process group: Postgres and nats-server would get it at the same moment as the services and
 * stop under them. So the launcher runs in a process group of its own and this process only
 * relays stop signals to it, which lets it stop the services first, then NATS, then Postgres.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from './lib/paths.mjs';
import { SERVICES } from './lib/services.mjs';

const BUILT_LIBRARIES = ['libs/config/dist/index.js', 'libs/local-servers/dist/index.js'];

const missing = [...BUILT_LIBRARIES, ...SERVICES.map((s) => s.entry)].filter((file) => !existsSync(path.join(REPO_ROOT, file)));
if (missing.length) {
  console.error(`Agentry is not built (missing ${missing.join(', ')}). Run \`npm start\` (it builds first) or \`npm run build\`.`);
  process.exit(1);
}

const launcher = spawn(process.execPath, [fileURLToPath(new URL('./launcher.mjs', import.meta.url))], {
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  detached: true,
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => launcher.kill(signal));
launcher.on('error', (error) => {
  console.error(`could not start the launcher: ${error.message}`);
  process.exit(1);
});
launcher.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
