import { Logger } from '@nestjs/common';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { outputSubject, type OutputChunk } from '@agentry/contracts';
import type { LivePublisher } from './live-publisher.js';

export interface OutputPublisherOptions {
  /** A durable chunk is sent once this many bytes wait (default 256 KiB: well under NATS's 1 MiB payload after base64). */
  flushBytes?: number;
  /** …or this long after the first waiting byte (default 20 ms). */
  flushDelayMs?: number;
  /** How long a durable chunk is retried while NATS refuses it (default 5 minutes). */
  retryForMs?: number;
}

const logger = new Logger('OutputPublisher');

/**
 * A run's console bytes: each chunk goes live at once (core NATS, for watchers), and, coalesced,
 * to the OUTPUT stream for the output service to store (JetStream, acknowledged, retried; the
 * message id is container:offset, so a retry is stored once).
 */
export class OutputPublisher {
  private readonly js: JetStreamClient;
  private readonly nc: NatsConnection;
  private readonly opts: Required<OutputPublisherOptions>;
  private pending: Buffer[] = [];
  private pendingOffset = 0;
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly inflight = new Set<Promise<void>>();

  constructor(
    nc: NatsConnection,
    private readonly live: LivePublisher,
    private readonly ids: { containerId: number; agentId: number; orgId: number },
    opts: OutputPublisherOptions = {},
  ) {
    this.nc = nc;
    this.js = jetstream(nc);
    this.opts = { flushBytes: 256 * 1024, flushDelayMs: 20, retryForMs: 5 * 60 * 1000, ...opts };
  }

  write(offset: number, chunk: Buffer): void {
    this.live.publish({ type: 'output', containerId: this.ids.containerId, offset, data: chunk.toString('base64') });
    if (this.pendingBytes === 0) this.pendingOffset = offset;
    this.pending.push(Buffer.from(chunk));
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= this.opts.flushBytes) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.opts.flushDelayMs);
  }

  /** Sends what waits and resolves once every chunk is stored by JetStream (or given up on). */
  async seal(): Promise<void> {
    this.flush();
    while (this.inflight.size > 0) await Promise.all([...this.inflight]);
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pendingBytes === 0) return;
    const chunk: OutputChunk = { ...this.ids, offset: this.pendingOffset, data: Buffer.concat(this.pending).toString('base64') };
    this.pending = [];
    this.pendingBytes = 0;
    const sending = this.send(chunk).finally(() => this.inflight.delete(sending));
    this.inflight.add(sending);
  }

  private async send(chunk: OutputChunk): Promise<void> {
    const deadline = Date.now() + this.opts.retryForMs;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.js.publish(outputSubject(chunk.containerId), JSON.stringify(chunk), { msgID: `${chunk.containerId}:${chunk.offset}` });
        return;
      } catch (error) {
        // A closed connection never comes back (a dropped one reconnects and is retried).
        if (Date.now() >= deadline || this.nc.isClosed()) {
          logger.error(`container ${chunk.containerId}: output at ${chunk.offset} could not be stored: ${(error as Error).message}`);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** attempt, 5000)));
      }
    }
  }
}
