import type pg from 'pg';
import type { DataSource } from 'typeorm';
import { createSessionClient } from '../data-source.js';
import { ADVISORY_LOCK_NAMESPACE, CHECKPOINTS_CHANNEL, EVENTS_CHANNEL } from '../schema-names.js';

export const LEADERSHIP_APPLICATION_NAME = 'agentry-projections';

export interface SessionHandlers {
  onNotification(channel: string, payload: string | undefined): void;
  /** The connection died: every lock it held is gone. */
  onLost(error: unknown): void;
}

/**
 * One dedicated connection per runner: it holds the session advisory locks that make this
 * instance the leader of projections, and LISTENs for appends and checkpoint moves. Postgres
 * releases the locks when the connection ends, which is how another instance takes over.
 */
export class LeadershipSession {
  private closing = false;

  private constructor(
    private readonly client: pg.Client,
    handlers: SessionHandlers,
  ) {
    let lost = false;
    const lose = (error: unknown) => {
      if (lost || this.closing) return;
      lost = true;
      handlers.onLost(error);
    };
    client.on('error', lose);
    client.on('end', () => lose(new Error('leadership connection ended')));
    client.on('notification', (message) => handlers.onNotification(message.channel, message.payload));
  }

  static async open(dataSource: DataSource, handlers: SessionHandlers): Promise<LeadershipSession> {
    const client = createSessionClient(dataSource, LEADERSHIP_APPLICATION_NAME);
    const session = new LeadershipSession(client, handlers);
    await client.connect();
    await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    await client.query(`LISTEN ${CHECKPOINTS_CHANNEL}`);
    return session;
  }

  async tryLock(projectionName: string): Promise<boolean> {
    const result = await this.client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', [
      ADVISORY_LOCK_NAMESPACE.projections,
      projectionName,
    ]);
    return result.rows[0]?.locked === true;
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.client.end().catch(() => undefined);
  }
}
