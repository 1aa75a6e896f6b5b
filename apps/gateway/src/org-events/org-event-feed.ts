import { Inject, Injectable } from '@nestjs/common';
import { JetStreamApiCodes, JetStreamApiError, jetstreamManager, type JetStreamManager, type MsgRequest } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { LIFECYCLE_STREAM, orgLifecycleSubjects, type LifecycleEvent } from '@agentry/events';
import { NATS_CONNECTION } from '../http/nats-connection.js';

/** Nothing published for a while: look again anyway (a wake-up lost with a NATS reconnect costs at most this). */
const IDLE_RECHECK_MS = 10_000;

export interface SequencedEvent {
  /** The LIFECYCLE stream sequence: the SSE id, and where `Last-Event-ID` resumes. */
  sequence: number;
  event: LifecycleEvent;
}

const streamMissing = (error: unknown): boolean => error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound;

/**
 * One org's public lifecycle events, read from LIFECYCLE by sequence: "the next message after n on
 * agentry.events.v1.<org>.>" (a direct read, no consumer to create or clean up). Reading by sequence is
 * what makes a resume gap-free; the core subscription to the org's subjects only says when to read again.
 * The org is always the caller's (the subject is built from it), so no filter a client sends can widen it.
 */
@Injectable()
export class OrgEventFeed {
  private jsm: Promise<JetStreamManager> | undefined;

  constructor(@Inject(NATS_CONNECTION) private readonly nats: NatsConnection) {}

  private manager(): Promise<JetStreamManager> {
    return (this.jsm ??= jetstreamManager(this.nats, { checkAPI: false }));
  }

  /** The sequence of the org's newest event (0 when it has none): a stream that starts "now" follows it. */
  async lastSequence(orgId: number): Promise<number> {
    try {
      const last = await (await this.manager()).streams.getMessage(LIFECYCLE_STREAM, { last_by_subj: orgLifecycleSubjects(orgId) });
      return last?.seq ?? 0;
    } catch (error) {
      if (streamMissing(error)) return 0;
      throw error;
    }
  }

  private async next(orgId: number, after: number): Promise<SequencedEvent | null> {
    try {
      // STREAM.MSG.GET takes next_by_subj since nats-server 2.9 (checked on 2.9.10); the client's types declare it for direct gets only.
      const request = { seq: after + 1, next_by_subj: orgLifecycleSubjects(orgId) } as unknown as MsgRequest;
      const m = await (await this.manager()).streams.getMessage(LIFECYCLE_STREAM, request);
      return m ? { sequence: m.seq, event: m.json<LifecycleEvent>() } : null;
    } catch (error) {
      if (streamMissing(error)) return null;
      throw error;
    }
  }

  /** Every event of the org after `after`, in stream order, then new ones as they come, until `signal` aborts. */
  async *follow(orgId: number, after: number, signal: AbortSignal): AsyncGenerator<SequencedEvent> {
    let wake: (() => void) | null = null;
    let published: boolean;
    const ring = () => {
      published = true;
      wake?.();
    };
    // Subscribed before the first read: an event published between a read that found nothing and the wait still wakes it.
    const wakeUps = this.nats.subscribe(orgLifecycleSubjects(orgId), { callback: ring });
    signal.addEventListener('abort', ring);
    try {
      let position = after;
      while (!signal.aborted) {
        published = false;
        const found = await this.next(orgId, position);
        if (found) {
          position = found.sequence;
          yield found;
          continue;
        }
        if (published) continue;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, IDLE_RECHECK_MS);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = null;
      }
    } finally {
      signal.removeEventListener('abort', ring);
      wakeUps.unsubscribe();
    }
  }
}
