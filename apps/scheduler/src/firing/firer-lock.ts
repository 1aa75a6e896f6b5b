import pg from 'pg';
import { ADVISORY_LOCK_NAMESPACE } from '@agentry/event-store';

/** Advisory-lock key of the single active firer (every platform lock has its own namespace there: locks are per database). */
const FIRER_LOCK = { namespace: ADVISORY_LOCK_NAMESPACE.schedulerFirer, key: 1 } as const;

/**
 * Leadership of firing: a session advisory lock on a connection of its own. Postgres releases it when that
 * connection ends (the process died or was cut off), so another replica takes over at its next attempt.
 */
export class FirerLock {
  private client: pg.Client | null = null;
  private held = false;

  constructor(private readonly databaseUrl: string) {}

  get isHeld(): boolean {
    return this.held;
  }

  /** True when this process holds the lock (taken now or earlier). */
  async tryAcquire(): Promise<boolean> {
    if (this.held) return true;
    if (!this.client) {
      const client = new pg.Client({ connectionString: this.databaseUrl, application_name: 'agentry-scheduler-firer' });
      const lose = () => {
        this.held = false;
        if (this.client === client) this.client = null;
      };
      client.on('error', lose);
      client.on('end', lose);
      await client.connect();
      this.client = client;
    }
    const result = await this.client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', [FIRER_LOCK.namespace, FIRER_LOCK.key]);
    this.held = result.rows[0]?.locked === true;
    return this.held;
  }

  async release(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.held = false;
    await client?.end().catch(() => undefined);
  }
}
