import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NATS_USERS, natsPermissionsOf, type NatsUser } from '@agentry/contracts';
import { freePort, startNatsServer, type NatsAuthorization, type RunningNatsServer } from '@agentry/local-servers';

export interface TestNats {
  /**
   * The test's own login, allowed everything (tests inspect streams and play clients). With
   * `auth: false` it carries no credentials (the server treats such a client as this user).
   */
  url: string;
  /** A service's (or the ops jobs') own login, held to its permissions (libs/contracts nats-permissions). */
  urlFor(user: NatsUser): string;
  /** The server's address with no credentials at all (what an agent's script could try). */
  anonymousUrl: string;
  /** Permission violations the server logged so far (who, what, which subject). */
  violations(): NatsViolation[];
  /**
   * Throws when a service user was refused something: a service's tests only pass if the
   * permission map gives it everything it does. Harnesses call it after stopping the services.
   */
  assertServicesObeyed(): void;
  /** Stops the server, then `assertServicesObeyed()` unless the test provoked violations on purpose. */
  stop(opts?: { expectViolations?: boolean }): Promise<void>;
  /** Stops and starts the server on the same port and store (JetStream data survives). */
  restart(): Promise<void>;
}

export interface NatsViolation {
  kind: 'Publish' | 'Subscription';
  user: string;
  subject: string;
}

const START_ATTEMPTS = 3;
const TEST_USER = 'test';

/** `… - Publish Violation - User "gateway", Subject "launches.1"` (nats-server 2.9 and 2.10). */
const VIOLATION = /(Publish|Subscription) Violation - User "([^"]*)", Subject "([^"]*)"/;

export function parseNatsViolation(line: string): NatsViolation | undefined {
  const m = VIOLATION.exec(line);
  return m ? { kind: m[1] as NatsViolation['kind'], user: m[2]!, subject: m[3]! } : undefined;
}

/**
 * A private nats-server with JetStream for one test file, so streams never collide between files.
 * Every service user of the permission map exists with its permissions (start a service with
 * `urlFor('<service>')` and the test proves the map is enough), plus the test's own user.
 * `auth`: a client without credentials is refused, as on a real deployment; otherwise it is the
 * test user, so `connect({ servers: url })` keeps working.
 */
export async function startTestNats(opts: { auth?: boolean } = {}): Promise<TestNats> {
  const auth: NatsAuthorization = {
    users: [
      { user: TEST_USER, password: randomBytes(12).toString('hex') },
      ...NATS_USERS.map((user) => ({ user, password: randomBytes(12).toString('hex'), permissions: natsPermissionsOf(user) })),
    ],
    noAuthUser: opts.auth ? undefined : TEST_USER,
  };
  const violations: NatsViolation[] = [];
  const onLog = (line: string) => {
    const violation = parseNatsViolation(line);
    if (violation) violations.push(violation);
  };
  const storeDir = await mkdtemp(join(tmpdir(), 'agentry-test-nats-'));
  let port = 0;
  let server: RunningNatsServer | undefined;
  // freePort() can race with another worker taking the same port: retry on a new one.
  for (let attempt = 1; !server; attempt++) {
    port = await freePort();
    try {
      server = await startNatsServer({ port, storeDir, auth, onLog });
    } catch (error) {
      if (attempt >= START_ATTEMPTS) {
        await rm(storeDir, { recursive: true, force: true });
        throw error;
      }
    }
  }
  let running: RunningNatsServer | undefined = server;
  const first = server;
  const assertServicesObeyed = () => {
    const byServices = violations.filter((v) => v.user !== TEST_USER);
    if (!byServices.length) return;
    throw new Error(
      `NATS refused what a service did, so the permission map (libs/contracts/src/nats-permissions.ts) is missing a grant ` +
        `(or the service does something it must not):\n${[...new Set(byServices.map((v) => `  ${v.user}: ${v.kind} to "${v.subject}"`))].join('\n')}`,
    );
  };
  return {
    url: opts.auth ? first.urlFor(TEST_USER) : first.url,
    urlFor: (user) => first.urlFor(user),
    anonymousUrl: first.url,
    violations: () => [...violations],
    assertServicesObeyed,
    stop: async ({ expectViolations = false } = {}) => {
      await running?.stop();
      running = undefined;
      await rm(storeDir, { recursive: true, force: true });
      if (!expectViolations) assertServicesObeyed();
    },
    restart: async () => {
      await running?.stop();
      running = await startNatsServer({ port, storeDir, auth, onLog });
    },
  };
}
