import { Inject, Injectable, Logger } from '@nestjs/common';
import pg from 'pg';
import type { NatsConnection } from '@nats-io/transport-node';
import { EXECUTOR_CONFIG, type ExecutorConfig } from '../config.js';
import { ContainerStreams } from '../containers/container-streams.js';
import { ContainersLookup } from '../containers/read-model/containers.lookup.js';
import { NATS_CONNECTION } from '../platform/platform.module.js';
import { Heartbeats } from '../runs/heartbeats.js';
import { LivePublisher } from '../runs/live-publisher.js';

/** pg advisory lock (namespace, key) of the reaper's leader: one replica reaps at a time. */
const REAPER_LOCK = [0x41470003, 1] as const;
const logger = new Logger('ExecutorLostReaper');

/**
 * Ends the running containers whose executor died: their heartbeat (rewritten every third of the
 * TTL) has expired. One leader across replicas (a Postgres session lock, released when its
 * connection dies). A container is reaped within about TTL + TTL/2 of its executor's last beat;
 * its retry, if the agent allows one, follows from the ContainerEnded event.
 */
@Injectable()
export class ExecutorLostReaper {
  private session: pg.Client | undefined;
  private leader = false;
  private timer: NodeJS.Timeout | undefined;
  private sweep: Promise<void> = Promise.resolve();
  private readonly live: LivePublisher;

  constructor(
    @Inject(EXECUTOR_CONFIG) private readonly config: ExecutorConfig,
    @Inject(NATS_CONNECTION) nc: NatsConnection,
    private readonly lookup: ContainersLookup,
    private readonly heartbeats: Heartbeats,
    private readonly streams: ContainerStreams,
  ) {
    this.live = new LivePublisher(nc);
  }

  start(): void {
    const every = Math.max(200, Math.floor(this.config.heartbeatTtlMs / 2));
    this.timer = setInterval(() => {
      this.sweep = this.sweep.then(() => this.reap()).catch((error: Error) => logger.warn(`sweep failed: ${error.message}`));
    }, every);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sweep;
    await this.dropSession();
  }

  private async reap(): Promise<void> {
    if (!(await this.lead())) return;
    // Started more than a TTL ago: a live run has beaten by now (its first beat precedes its start).
    for (const row of await this.lookup.running(Date.now() - this.config.heartbeatTtlMs)) {
      if (await this.heartbeats.alive(row.containerId)) continue;
      // An abort nobody could carry out (its executor was gone) still ends it as cancelled, not retried.
      const { ended, endedHere } = await this.streams.end(row.containerId, (state) => (state.abort ? { kind: 'cancelled' } : { kind: 'executor-lost' }));
      if (!endedHere) continue;
      logger.warn(`container ${row.containerId} (agent ${row.agentId}): executor ${row.executorId ?? '?'} lost`);
      this.live.publish({ type: 'status', containerId: row.containerId, status: 'ended', exitCode: null, endMessage: ended?.endMessage });
    }
  }

  private async lead(): Promise<boolean> {
    if (this.leader) return true;
    try {
      if (!this.session) {
        const session = new pg.Client({ connectionString: this.config.databaseUrl, application_name: 'agentry-executor-reaper' });
        // A lost connection loses the lock: stand down and campaign again.
        session.on('error', () => void this.dropSession());
        await session.connect();
        this.session = session;
      }
      const [row] = (await this.session.query('SELECT pg_try_advisory_lock($1, $2) AS locked', [...REAPER_LOCK])).rows;
      this.leader = row.locked === true;
    } catch (error) {
      logger.warn(`reaper leadership: ${(error as Error).message}`);
      await this.dropSession();
    }
    return this.leader;
  }

  private async dropSession(): Promise<void> {
    this.leader = false;
    const session = this.session;
    this.session = undefined;
    await session?.end().catch(() => undefined);
  }
}
