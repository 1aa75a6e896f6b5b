import { rm } from 'node:fs/promises';
import type { RunningServer } from '@agentry/local-servers';

/** Stops the Postgres started by jest-global-setup.ts and removes its data folder. */
export default async function globalTeardown(): Promise<void> {
  const started = (globalThis as Record<string, unknown>).__agentryTestPostgres as { server: RunningServer; dataDir: string } | undefined;
  if (!started) return;
  await started.server.stop();
  await rm(started.dataDir, { recursive: true, force: true });
}
