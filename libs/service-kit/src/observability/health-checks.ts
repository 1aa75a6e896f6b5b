import type { NatsConnection } from '@nats-io/transport-node';
import type { DataSource } from 'typeorm';
import type { ProjectionRunner } from '@agentry/event-store';

/** One thing a service depends on: resolves when fine, throws saying what is wrong. */
export interface HealthCheck {
  name: string;
  check(): Promise<void>;
}

export const DEFAULT_CHECK_TIMEOUT_MS = 1000;
/** A batch or loop iteration in flight longer than this is wedged (every network await has a shorter timeout). */
export const DEFAULT_STALL_MS = 60_000;

/** Rejects when `promise` takes longer than `ms`; the late outcome is swallowed so it never surfaces as unhandled. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  promise.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The connection is open and the server answers a PING now: a disconnected client (server down,
 * partition) queues the PING until it reconnects, so the timeout says "not connected".
 */
export function natsCheck(nc: NatsConnection, name = 'nats', timeoutMs = DEFAULT_CHECK_TIMEOUT_MS): HealthCheck {
  return {
    name,
    async check() {
      if (nc.isClosed()) throw new Error('connection closed');
      await withTimeout(nc.flush(), timeoutMs, 'nats-server');
    },
  };
}

/** A query round trip through the service's pool (a pool exhausted by hung connections fails too). */
export function postgresCheck(dataSource: DataSource, timeoutMs = DEFAULT_CHECK_TIMEOUT_MS): HealthCheck {
  return {
    name: 'postgres',
    async check() {
      if (!dataSource.isInitialized) throw new Error('not connected');
      await withTimeout(dataSource.query('SELECT 1'), timeoutMs, 'postgres');
    },
  };
}

/** No projection batch this replica is applying has been in flight longer than `stallMs`. */
export function projectionsCheck(runner: ProjectionRunner, name = 'projections', stallMs = DEFAULT_STALL_MS): HealthCheck {
  return {
    name,
    async check() {
      const stalled = runner.batchesInFlight().filter((b) => b.forMs > stallMs);
      if (stalled.length) throw new Error(stalled.map((b) => `${b.projection} batch in flight for ${Math.round(b.forMs / 1000)} s`).join('; '));
    },
  };
}

/**
 * A loop that reports each completed iteration (`progressed()`) is wedged when none completed for
 * `stallMs`: e.g. the scheduler's firer ticks every 25 ms, so a minute without one is a hang.
 */
export class LoopProgress {
  private last = Date.now();
  constructor(readonly name: string) {}

  progressed(): void {
    this.last = Date.now();
  }

  ageMs(): number {
    return Date.now() - this.last;
  }

  check(stallMs = DEFAULT_STALL_MS): HealthCheck {
    return {
      name: this.name,
      check: async () => {
        const age = this.ageMs();
        if (age > stallMs) throw new Error(`no progress for ${Math.round(age / 1000)} s`);
      },
    };
  }
}
