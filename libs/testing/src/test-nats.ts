import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startNatsServer, type RunningServer } from '@agentry/local-servers';

export interface TestNats {
  url: string;
  stop(): Promise<void>;
  /** Stops and starts the server on the same port and store (JetStream data survives). */
  restart(): Promise<void>;
}

const START_ATTEMPTS = 3;

/** A private nats-server with JetStream for one test file, so streams never collide between files. */
/** `auth`: clients must log in (the url carries the credentials), as on a real deployment. */
export async function startTestNats(opts: { auth?: boolean } = {}): Promise<TestNats> {
  const auth = opts.auth ? { user: 'agentry', password: randomBytes(12).toString('hex') } : undefined;
  const storeDir = await mkdtemp(join(tmpdir(), 'agentry-test-nats-'));
  let port = 0;
  let server: RunningServer | undefined;
  // freePort() can race with another worker taking the same port: retry on a new one.
  for (let attempt = 1; !server; attempt++) {
    port = await freePort();
    try {
      server = await startNatsServer({ port, storeDir, auth });
    } catch (error) {
      if (attempt >= START_ATTEMPTS) {
        await rm(storeDir, { recursive: true, force: true });
        throw error;
      }
    }
  }
  let running: RunningServer | undefined = server;
  return {
    url: server.url,
    stop: async () => {
      await running?.stop();
      running = undefined;
      await rm(storeDir, { recursive: true, force: true });
    },
    restart: async () => {
      await running?.stop();
      running = await startNatsServer({ port, storeDir, auth });
    },
  };
}
