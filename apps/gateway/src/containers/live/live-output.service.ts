import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  DomainError,
  ErrorCode,
  Subjects,
  liveContainerSubject,
  type Actor,
  type ContainerOutputParams,
  type ContainerOutputResult,
  type FetchContainerParams,
  type FetchContainerResult,
  type LiveMessage,
} from '@agentry/contracts';
import { NATS_CONNECTION } from '../../http/nats-connection.js';
import { RegistryClient } from '../../http/registry.client.js';
import { ContainerFeed, type FeedEvent, type FeedSource } from './container-feed.js';

/** A watch fails when the output service has not answered for this long. */
const OUTPUT_SERVICE_PATIENCE_MS = 30_000;

/**
 * The output service for one watched container. A container the executor just queued may not be
 * projected there yet (NOT_FOUND) and the service may be restarting (SERVICE_UNAVAILABLE): both
 * read as "no news yet", until the service has not answered for too long.
 */
class OutputServiceSource implements FeedSource {
  private lastAnswerAt = Date.now();

  constructor(
    private readonly client: RegistryClient,
    private readonly actor: Actor,
    private readonly containerId: number,
  ) {}

  readStored(from: number): Promise<ContainerOutputResult | null> {
    const params: ContainerOutputParams = { containerId: this.containerId, fromOutputPos: from };
    return this.ask(() => this.client.call(Subjects.output.containerOutput, this.actor, params));
  }

  fetch(): Promise<FetchContainerResult | null> {
    const params: FetchContainerParams = { containerId: this.containerId, withResultObject: true };
    return this.ask(() => this.client.call(Subjects.output.fetchContainer, this.actor, params));
  }

  private async ask<T>(call: () => Promise<T>): Promise<T | null> {
    try {
      const answer = await call();
      this.lastAnswerAt = Date.now();
      return answer;
    } catch (error) {
      const code = error instanceof DomainError ? error.code : null;
      if (code === ErrorCode.NOT_FOUND) this.lastAnswerAt = Date.now();
      else if (code !== ErrorCode.SERVICE_UNAVAILABLE) throw error;
      if (Date.now() - this.lastAnswerAt > OUTPUT_SERVICE_PATIENCE_MS) {
        throw new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'output service unavailable');
      }
      return null;
    }
  }
}

/**
 * Watches containers for streaming responses: live messages (core NATS, subscribed first) merged
 * with the stored output (output service) into one gapless, repeat-free feed.
 *
 * The live subject is not scoped by org: callers pass only containers the actor's org owns (the
 * ones the executor just answered to the actor's own launch).
 */
@Injectable()
export class LiveOutput implements OnModuleDestroy {
  /** Aborted on shutdown so open streams end and the HTTP server can close. */
  private readonly shutdown = new AbortController();

  constructor(
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    private readonly client: RegistryClient,
  ) {}

  async *follow(actor: Actor, containerId: number, from: number, signal: AbortSignal): AsyncGenerator<FeedEvent> {
    const feed = new ContainerFeed(new OutputServiceSource(this.client, actor, containerId), from);
    const subscription = this.nats.subscribe(liveContainerSubject(containerId), {
      callback: (error, message) => {
        if (error) return;
        try {
          feed.deliver(message.json<LiveMessage>());
        } catch {
          // Not JSON: not ours to show; the stored output still has every byte.
        }
      },
    });
    try {
      yield* feed.events(AbortSignal.any([signal, this.shutdown.signal]));
    } finally {
      subscription.unsubscribe();
    }
  }

  onModuleDestroy(): void {
    this.shutdown.abort();
  }
}
