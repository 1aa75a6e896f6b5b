// A bench's scratch folder with its own embedded Postgres and NATS server, shared by the benches
// that start the platform or part of it. Everything started is stopped, in reverse, by stop().
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startEmbeddedPostgres, startNatsServer } from '@agentry/local-servers';

/**
 * `stops` is the clean-up stack: push onto it what you start yourself; `stop()` runs it last first,
 * each step's failure ignored (a bench that failed half-way still leaves nothing running).
 */
export async function benchWorkspace(name) {
  const dir = await mkdtemp(join(tmpdir(), `agentry-bench-${name}-`));
  // Postgres may run as its own OS user (when we are root): it must be able to enter this folder.
  await chmod(dir, 0o711);
  const stops = [() => rm(dir, { recursive: true, force: true })];
  return {
    dir,
    stops,
    /** Embedded Postgres (user agentry, database agentry), `settings` as postgresql.conf lines. */
    async startPostgres(settings) {
      const pg = await startEmbeddedPostgres({
        dataDir: join(dir, 'pg'),
        port: await freePort(),
        user: 'agentry',
        password: 'bench',
        database: 'agentry',
        ephemeral: true,
        ...(settings ? { settings } : {}),
      });
      stops.push(() => pg.stop());
      return pg;
    },
    async startNats() {
      const nats = await startNatsServer({ port: await freePort(), storeDir: join(dir, 'nats') });
      stops.push(() => nats.stop());
      return nats;
    },
    async stop() {
      while (stops.length)
        await stops
          .pop()()
          .catch(() => undefined);
    },
  };
}
