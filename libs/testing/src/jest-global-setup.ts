// Jest loads this file (and the teardown) as CommonJS, outside its module mapper: it can import
// only real packages, so it uses the built dist of @agentry/local-servers (building it if absent).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningServer } from '@agentry/local-servers';

const TEST_PG_URL_ENV = 'AGENTRY_TEST_PG_URL';

/**
 * One throw-away Postgres for the whole Jest run; each test file makes its own database on it
 * (createTestDatabase). An AGENTRY_TEST_PG_URL already set (e.g. by CI) is used instead.
 * The server is handed to the teardown through a global (Jest runs both in one process).
 */
export default async function globalSetup(_globalConfig: unknown, projectConfig: { rootDir: string }): Promise<void> {
  if (process.env[TEST_PG_URL_ENV]) return;
  const { freePort, startEmbeddedPostgres } = await loadLocalServers(projectConfig.rootDir);
  const dataDir = await mkdtemp(join(tmpdir(), 'agentry-test-pg-'));
  const server: RunningServer = await startEmbeddedPostgres({
    dataDir,
    port: await freePort(),
    ephemeral: true,
    // Test files run in parallel workers, each with pools and listener connections.
    settings: { max_connections: 500 },
  });
  process.env[TEST_PG_URL_ENV] = server.url;
  (globalThis as Record<string, unknown>).__agentryTestPostgres = { server, dataDir };
}

async function loadLocalServers(rootDir: string): Promise<typeof import('@agentry/local-servers')> {
  const packageDir = join(rootDir, 'libs', 'local-servers');
  if (!existsSync(join(packageDir, 'dist', 'index.js'))) {
    const tsc = createRequire(join(rootDir, 'package.json')).resolve('typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-p', join(packageDir, 'tsconfig.build.json')], { stdio: 'inherit' });
  }
  return import('@agentry/local-servers');
}
