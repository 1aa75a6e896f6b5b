import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import {
  AckPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  type ConsumerConfig,
  type ConsumerMessages,
  type JsMsg,
} from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { NatsDurables, OUTPUT_STREAM } from '@agentry/contracts';
import { settle } from '@agentry/messaging';
import { NATS_CONNECTION } from '../platform/platform.module.js';
import { ChunkStore } from './chunk-store.js';
import { parseOutputChunk, type StoredChunk } from './output-chunk.js';

/** Durable consumer shared by every output replica: each chunk goes to one of them. */
export const CHUNK_CONSUMER = NatsDurables.outputStore;

/** A batch is written when nothing more is buffered, or when it reaches one of these sizes. */
const MAX_BATCH_CHUNKS = 500;
const MAX_BATCH_BYTES = 4 * 1024 * 1024;
const RETRY_DELAY_MS = 1000;

const consumerConfig: Partial<ConsumerConfig> & { durable_name: string } = {
  durable_name: CHUNK_CONSUMER,
  ack_policy: AckPolicy.Explicit,
  ack_wait: nanos(30_000),
  max_deliver: -1,
  max_ack_pending: 20_000,
};

interface Pending {
  msg: JsMsg;
  chunk: StoredChunk;
}

/**
 * Moves console chunks from JetStream stream OUTPUT into `output_chunks`: batches of messages are inserted
 * in one statement and acked only after it committed, so a crash means redelivery, which the table absorbs.
 * Batching adapts to load: a lone chunk is written at once, a burst in few statements.
 */
@Injectable()
export class ChunkConsumer implements OnModuleDestroy {
  private readonly logger = new Logger('ChunkConsumer');
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly store: ChunkStore,
  ) {}

  async start(): Promise<void> {
    if (this.loop) return;
    await this.ensureConsumer();
    const consumer = await jetstream(this.nc).consumers.get(OUTPUT_STREAM, CHUNK_CONSUMER);
    // Buffered ahead by bytes, not messages: a chunk may be up to a NATS payload (1 MiB).
    const messages = await consumer.consume({ max_bytes: 16 * 1024 * 1024 });
    this.messages = messages;
    this.loop = this.run(messages);
  }

  /** Stops fetching; the batch in hand is written (or handed back) first. */
  async stop(): Promise<void> {
    await this.messages?.close();
    await this.loop;
    this.messages = undefined;
    this.loop = undefined;
  }

  onModuleDestroy(): Promise<void> {
    return this.stop();
  }

  private async ensureConsumer(): Promise<void> {
    const jsm = await jetstreamManager(this.nc);
    try {
      await jsm.consumers.info(OUTPUT_STREAM, CHUNK_CONSUMER);
    } catch (err) {
      if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.ConsumerNotFound)) throw err;
      await jsm.consumers.add(OUTPUT_STREAM, consumerConfig);
      return;
    }
    await jsm.consumers.update(OUTPUT_STREAM, CHUNK_CONSUMER, consumerConfig);
  }

  private async run(messages: ConsumerMessages): Promise<void> {
    let batch: Pending[] = [];
    let batchBytes = 0;
    for await (const msg of messages) {
      const chunk = parseOutputChunk(msg.data);
      if (!chunk) {
        this.logger.error(`dropping a malformed message on ${msg.subject}`);
        msg.term();
      } else {
        batch.push({ msg, chunk });
        batchBytes += chunk.data.length;
      }
      if (batch.length > 0 && (messages.getPending() === 0 || batch.length >= MAX_BATCH_CHUNKS || batchBytes >= MAX_BATCH_BYTES)) {
        await this.write(batch);
        batch = [];
        batchBytes = 0;
      }
    }
    await this.write(batch);
  }

  private async write(batch: Pending[]): Promise<void> {
    if (batch.length === 0) return;
    try {
      await this.store.insert(batch.map((p) => p.chunk));
    } catch (err) {
      this.logger.error(`could not store ${batch.length} output chunks, they will be redelivered: ${(err as Error).message}`);
      for (const { msg } of batch) settle(msg, 'nak', RETRY_DELAY_MS); // redelivered later; the table ignores duplicates
      return;
    }
    for (const { msg } of batch) settle(msg, 'ack');
  }
}
