import { Logger } from '@nestjs/common';
import pg from 'pg';
import { withTimeout } from '@agentry/service-kit';

const logger = new Logger('LeaderSession');

export interface LeaderSessionTimings {
  callTimeoutMs: number;
  leaderIdleTimeoutMs: number;
}

/**
 * Leadership by a Postgres session advisory lock on a connection of its own. Postgres frees the
 * lock when that connection ends, so the questions are how fast a dead or frozen leader's session
 * ends, and that the live one never hangs on it:
 * - the session sets `idle_session_timeout`: a leader that stops speaking (frozen, partitioned) is
 *   disconnected by the server after `leaderIdleTimeoutMs`, and TCP keepalives (both sides) notice
 *   a vanished peer within about 20 s instead of the kernel's two hours;
 * - every call has a timeout, and each `lead()` of a leader pings the session: a lost session is
 *   noticed at the next sweep, and the caller stands down and campaigns again on a new one.
 */
export class LeaderSession {
  private client: pg.Client | undefined;
  private leader = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly lock: readonly [number, number],
    private readonly timings: LeaderSessionTimings,
    private readonly applicationName: string,
  ) {}

  /** True when this process holds the lock now (the session answered within the call timeout). */
  async lead(): Promise<boolean> {
    try {
      const client = this.client ?? (await this.open());
      if (this.leader) {
        await this.call(client.query('SELECT 1'), 'leader ping');
        return true;
      }
      const { rows } = await this.call(client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', [...this.lock]), 'lock');
      this.leader = rows[0]?.locked === true;
    } catch (error) {
      logger.warn(`${this.applicationName} leadership: ${(error as Error).message}`);
      await this.drop();
    }
    return this.leader;
  }

  /** Ends the session (freeing the lock if held); never waits longer than a call timeout. */
  async drop(): Promise<void> {
    this.leader = false;
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    await this.call(client.end(), 'session end').catch(() => {
      // A session that can't even say goodbye: cut the socket, the server frees the lock when it notices.
      (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
    });
  }

  private async open(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: this.databaseUrl,
      application_name: this.applicationName,
      connectionTimeoutMillis: this.timings.callTimeoutMs,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    // A lost connection loses the lock: stand down (the next lead() campaigns again).
    client.on('error', () => void (this.client === client && this.drop()));
    this.client = client;
    await this.call(client.connect(), 'connect');
    await this.call(client.query('SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 2'), 'keepalive settings');
    try {
      await this.call(client.query(`SET idle_session_timeout = ${Math.round(this.timings.leaderIdleTimeoutMs)}`), 'idle timeout setting');
    } catch (error) {
      // Postgres before 14: a frozen leader is then only freed by TCP keepalives.
      logger.warn(`${this.applicationName}: idle_session_timeout not set (${(error as Error).message})`);
    }
    return client;
  }

  private call<T>(promise: Promise<T>, what: string): Promise<T> {
    return withTimeout(promise, this.timings.callTimeoutMs, `${this.applicationName} ${what}`);
  }
}
