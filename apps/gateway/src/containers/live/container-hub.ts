import type { NatsConnection, Subscription } from '@nats-io/transport-node';
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
import type { RegistryClient } from '../../http/registry.client.js';
import { ContainerFeed, DEFAULT_FEED_TIMING, type FeedSource } from './container-feed.js';
import { inboxMessage, type InboxMessage } from './live-inbox.js';
import { SharedFrame } from './shared-frame.js';

/** A watch fails when the output service has not answered for this long. */
const OUTPUT_SERVICE_PATIENCE_MS = 30_000;
/** A record read this recently answers a new follower's first look (many open at once). */
const RECORD_FRESH_MS = 500;
/** Live output a hub keeps for followers that join (see RecentOutput). */
const RECENT_OUTPUT_BYTES = 256 * 1024;

/**
 * The last live output heard for a container, contiguous, at most `maxBytes` (oldest dropped first).
 * A follower joining reads stored output up to where the output service has got (it lags the live
 * messages by its batching and projection), then hears live output from further on: the bytes between
 * are here, so it need not poll storage until it catches up — with thousands joining, that polling was
 * most of the output service's load and held each new follower back by the storage lag.
 */
export class RecentOutput {
  private chunks: { offset: number; bytes: Buffer }[] = [];
  private bytes = 0;

  constructor(private readonly maxBytes = RECENT_OUTPUT_BYTES) {}

  add(offset: number, bytes: Buffer): void {
    const last = this.chunks[this.chunks.length - 1];
    const end = last ? last.offset + last.bytes.length : offset;
    if (offset + bytes.length <= end) return; // heard already
    if (offset > end) {
      // A message was lost: what is kept no longer leads up to this one.
      this.chunks = [];
      this.bytes = 0;
    } else if (offset < end) {
      bytes = bytes.subarray(end - offset);
      offset = end;
    }
    this.chunks.push({ offset, bytes });
    this.bytes += bytes.length;
    while (this.bytes > this.maxBytes && this.chunks.length > 1) this.bytes -= this.chunks.shift()!.bytes.length;
  }

  /** Everything kept from byte `from` on, or null when `from` is not within what is kept. */
  from(from: number): Buffer | null {
    const first = this.chunks[0];
    const last = this.chunks[this.chunks.length - 1];
    if (!first || !last || from < first.offset || from >= last.offset + last.bytes.length) return null;
    const parts: Buffer[] = [];
    for (const chunk of this.chunks) {
      if (chunk.offset + chunk.bytes.length <= from) continue;
      parts.push(chunk.offset < from ? chunk.bytes.subarray(from - chunk.offset) : chunk.bytes);
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }
}

/**
 * The output service for one watched container, shared by its followers: identical reads in flight
 * at once (every follower at the same position, a record everyone asks for) are one request. A
 * container the executor just queued may not be projected there yet (NOT_FOUND) and the service may
 * be restarting (SERVICE_UNAVAILABLE): both read as "no news yet", until the service has not
 * answered for too long.
 */
export class SharedOutputSource implements FeedSource {
  private lastAnswerAt = Date.now();
  private readonly storedReads = new Map<number, Promise<ContainerOutputResult | null>>();
  /**
   * The last stored output read answered (≤ one page, 128 KiB). Stored bytes never change, so a follower
   * anywhere inside it takes its part from here instead of a read of its own: followers joining at different
   * moments sit at different positions, and each polling storage at its own was ~2,500 requests/s at 1,000
   * followers (bench/fanout: the output service fell behind and no follower caught up). Taking the part that
   * is here puts the follower at the read's end, where every other follower asks next: one request per round.
   */
  private lastStored: { from: number; bytes: Buffer; result: ContainerOutputResult } | null = null;
  private recordRead: Promise<FetchContainerResult | null> | null = null;
  private record: { value: FetchContainerResult; at: number } | null = null;
  readonly recent = new RecentOutput();

  constructor(
    private readonly client: Pick<RegistryClient, 'call'>,
    private readonly actor: Actor,
    private readonly containerId: number,
  ) {}

  recentOutput(from: number): Buffer | null {
    return this.recent.from(from);
  }

  readStored(from: number): Promise<ContainerOutputResult | null> {
    const kept = this.keptStored(from);
    if (kept) return Promise.resolve(kept);
    let read = this.storedReads.get(from);
    if (!read) {
      const params: ContainerOutputParams = { containerId: this.containerId, fromOutputPos: from };
      read = this.ask(() => this.client.call(Subjects.output.containerOutput, this.actor, params))
        .then((result) => {
          const bytes = result && Buffer.from(result.output, 'utf8');
          // Kept only when its text is exactly its bytes (not a last incomplete character answered as U+FFFD).
          if (result && bytes && bytes.length > 0 && bytes.length === result.outputPos - from) this.lastStored = { from, bytes, result };
          return result;
        })
        .finally(() => this.storedReads.delete(from));
      this.storedReads.set(from, read);
    }
    return read;
  }

  /** Byte `from` on, from the last read, when it holds that byte at the start of a character. */
  private keptStored(from: number): ContainerOutputResult | null {
    const kept = this.lastStored;
    if (!kept || from < kept.from || from >= kept.result.outputPos) return null;
    const at = from - kept.from;
    if ((kept.bytes[at]! & 0xc0) === 0x80) return null; // inside a character: not a place a text can start
    return { ...kept.result, output: kept.bytes.toString('utf8', at) };
  }

  fetch(): Promise<FetchContainerResult | null> {
    if (this.record && Date.now() - this.record.at < RECORD_FRESH_MS) return Promise.resolve(this.record.value);
    return this.fetchNow();
  }

  /** A fresh read of the record (the hub's poll), joined by whoever asks meanwhile. */
  fetchNow(): Promise<FetchContainerResult | null> {
    this.recordRead ??= (async () => {
      try {
        const params: FetchContainerParams = { containerId: this.containerId, withResultObject: true };
        const value = await this.ask(() => this.client.call(Subjects.output.fetchContainer, this.actor, params));
        if (value) this.record = { value, at: Date.now() };
        return value;
      } finally {
        this.recordRead = null;
      }
    })();
    return this.recordRead;
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
 * The record polls of every hub of a replica together, at most: each is a request to the output service, and
 * for a quiet follower a read of stored output too. One hub per followed container polling every 2 s was
 * 2,500 record requests/s at 5,000 containers followed (bench/fanout shape ii), and each follower waiting on
 * its recheck's read held its live lines behind it (p99 1.9 s against p50 5.8 ms).
 */
export const HUB_POLLS_PER_SECOND = 250;

/**
 * A hub's poll period when the replica has `hubs` of them: `baseMs` up to HUB_POLLS_PER_SECOND × baseMs hubs,
 * longer beyond, so that all of them together stay within HUB_POLLS_PER_SECOND. The poll only finds what a
 * lost live message did not bring (status, result, a gap while quiet); live messages are not slowed by it.
 */
export function hubPollPeriodMs(hubs: number, baseMs: number): number {
  return Math.max(baseMs, (hubs * 1000) / HUB_POLLS_PER_SECOND);
}

/**
 * Everything one gateway does for the followers of one container of one org, once for all of them:
 * one core-NATS subscription to its live subject (each message parsed and decoded once, its bytes
 * shared), one poll of its record every `pollMs()` (in case a live status or result message was lost),
 * and shared reads of its stored output. Each follower keeps only its own position (ContainerFeed),
 * so a new or slow follower catches up from storage without holding the others back.
 *
 * Keyed by org as well as container: followers of different orgs never share anything, even if a
 * caller forgot to check ownership.
 */
export class ContainerHub {
  private readonly feeds = new Set<ContainerFeed>();
  private readonly source: SharedOutputSource;
  private readonly subscription: Subscription;
  private pollTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    nats: NatsConnection,
    client: RegistryClient,
    actor: Actor,
    containerId: number,
    /** The current period of the record poll (hubPollPeriodMs: longer the more hubs the replica has). */
    private readonly pollMs: () => number,
    private readonly onEmpty: () => void,
  ) {
    this.source = new SharedOutputSource(client, actor, containerId);
    this.subscription = nats.subscribe(liveContainerSubject(containerId), {
      callback: (error, message) => {
        if (error) return;
        let decoded: InboxMessage;
        try {
          decoded = inboxMessage(message.json<LiveMessage>());
        } catch {
          return; // Not JSON: not ours to show; the stored output still has every byte.
        }
        if (decoded.type !== 'output') {
          for (const feed of this.feeds) feed.receive(decoded);
          return;
        }
        this.source.recent.add(decoded.offset, decoded.bytes);
        // Formatted once for all followers in step, each written to here, in this callback (SharedFrame).
        const frame = new SharedFrame(decoded.offset, decoded.bytes);
        for (const feed of this.feeds) feed.receive(decoded, frame);
      },
    });
    // The first poll at a random point of the period: hubs opened together (thousands of followers attaching
    // at once, one hub each) would otherwise poll together every period, a burst of record requests that held
    // every line behind it (bench/fanout, 1,000 followers of their own containers: p99 110 ms vs p50 0.6 ms).
    this.schedulePoll(Math.random() * pollMs());
  }

  get followers(): number {
    return this.feeds.size;
  }

  /**
   * A new follower from byte `from`; subscribed (synchronously, before its first read of storage)
   * so nothing printed from now on can fall between what it reads and what it hears.
   */
  join(from: number, justQueued = false): ContainerFeed {
    const feed = new ContainerFeed(this.source, from, { ...DEFAULT_FEED_TIMING, pollMs: null }, justQueued);
    this.feeds.add(feed);
    return feed;
  }

  leave(feed: ContainerFeed): void {
    this.feeds.delete(feed);
    if (this.feeds.size === 0) this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.pollTimer);
    this.subscription.unsubscribe();
    this.onEmpty();
  }

  private schedulePoll(delayMs = this.pollMs()): void {
    this.pollTimer = setTimeout(() => void this.poll(), delayMs);
  }

  /** The record once for every follower: its status and result object as live messages would bring them, then a recheck. */
  private async poll(): Promise<void> {
    let messages: InboxMessage[];
    try {
      const record = await this.source.fetchNow();
      messages = [];
      if (record && record.status !== 'queued') messages.push({ type: 'status', containerId: record.id, status: record.status });
      if (record?.resultObject) messages.push({ type: 'result', containerId: record.id, resultObject: record.resultObject });
      messages.push({ type: 'recheck' });
    } catch (error) {
      messages = [{ type: 'failed', error }];
    }
    if (this.closed) return;
    for (const feed of this.feeds) for (const message of messages) feed.receive(message);
    this.schedulePoll();
  }
}
