import type { ContainerOutputResult, FetchContainerResult, LiveMessage } from '@agentry/contracts';
import { inboxMessage, LiveInbox, pause, type InboxMessage } from './live-inbox.js';
import type { DirectSink, SharedFrame } from './shared-frame.js';

/** What the feed asks the output service; `null`: no answer yet (container not projected yet, service briefly away). */
export interface FeedSource {
  readStored(from: number): Promise<ContainerOutputResult | null>;
  /** The container's record with its result object. */
  fetch(): Promise<FetchContainerResult | null>;
  /**
   * Live output already heard for this container (by the hub, before this follower joined), contiguous
   * from byte `from`; null when it does not reach back that far. Fills a new follower's gap at once
   * instead of waiting for the output service to store it.
   */
  recentOutput?(from: number): Buffer | null;
}

export type FeedEvent =
  /** The container's state: first as found, then on each change. */
  | { kind: 'status'; status: 'queued' | 'running' }
  /** Console bytes [from, to): contiguous from the requested position, each byte once. */
  | { kind: 'output'; from: number; to: number; bytes: Buffer }
  /** Each new result object the script set (JSON text). */
  | { kind: 'result'; resultObject: string }
  /** Last event: every byte was given; `record()` answers the ended container's record. */
  | { kind: 'ended'; outputPos: number; record: () => Promise<FetchContainerResult> };

export interface FeedTiming {
  /**
   * How often the container's record is read, in case a live message was missed. `null`: the feed
   * does not poll on its own; its hub (ContainerHub) polls once for every follower of the container
   * and delivers what it learns, then a `recheck`.
   */
  pollMs: number | null;
  /** Longest wait between two reads of stored output that is not there yet. */
  maxRetryMs: number;
}
export const DEFAULT_FEED_TIMING: FeedTiming = { pollMs: 2000, maxRetryMs: 400 };

/**
 * How long a follower of a container its own launch just queued waits for anything live before it reads
 * the record and storage after all (a run that printed and ended before the subscription is heard of no
 * other way until its hub's next poll).
 */
export const JUST_QUEUED_FIRST_READ_MS = 250;

/**
 * One watcher's view of a container: its console bytes from a position, then live, with no gap
 * and no repeat. Live messages (at-most-once, core NATS) must start arriving before the stored
 * output is read (the caller subscribes first and hands them to `deliver`); output already stored
 * is read from the output service, and whenever a live chunk starts past what was given (a
 * message was lost, or the output came before the subscription) the missing bytes are read from
 * storage, waiting for it to catch up. The end is the stored output being complete, so nothing
 * published before the container ended is ever cut off.
 */
export class ContainerFeed {
  private readonly inbox = new LiveInbox();
  private position: number;
  private phase: 'queued' | 'running' = 'queued';
  private announced: 'queued' | 'running' | null = null;
  private ended = false;
  private complete = false;
  private lastResult: string | null = null;
  private nextPollAt = 0;
  /** Live output applied since the last `recheck`: any message lost before it showed as a gap. */
  private liveSinceRecheck = false;
  /** Where the hub may write this follower's live output itself while it is in step (writeDirectly). */
  private sink: DirectSink | null = null;

  constructor(
    private readonly source: FeedSource,
    from: number,
    private readonly timing: FeedTiming = DEFAULT_FEED_TIMING,
    /** The container was queued by the launch this follower streams, just now: nothing of it is stored yet. */
    private readonly justQueued = false,
  ) {
    this.position = from;
  }

  deliver(message: LiveMessage): void {
    this.inbox.push(inboxMessage(message));
  }

  /**
   * A message already decoded by the hub (its bytes shared with the container's other followers); live
   * output comes with its `frame`, written straight to the client when this follower is in step.
   */
  receive(message: InboxMessage, frame?: SharedFrame): void {
    if (frame && this.writeDirectly(frame)) return;
    this.inbox.push(message);
  }

  /** Lets live output that continues exactly where this follower is go to `sink` without passing through `events`. */
  writeTo(sink: DirectSink): void {
    this.sink = sink;
  }

  /**
   * The steady state of a follower that keeps up, done in the hub's callback: the frame is written to the
   * client and the position moved, as `events` would have done through the writer — only when that is
   * exactly what they would do: the feed is waiting with every earlier event handed on (so the writer is
   * waiting too, nothing of theirs in flight), the frame starts at this follower's position, the running
   * state was announced, and the sink is ready (client drained, writer holding no partial character).
   * Anything else — a gap, a slow client, a status, the end — goes through the inbox as before, with its
   * bound and its stall timer.
   */
  private writeDirectly(frame: SharedFrame): boolean {
    const sink = this.sink;
    if (!sink || !this.inbox.waiting || frame.offset !== this.position) return false;
    if (this.ended || this.complete || this.phase !== 'running' || this.announced !== 'running' || !sink.ready()) return false;
    const bytes = frame.as(sink.format);
    if (!bytes) return false;
    sink.write(bytes);
    this.position = frame.end;
    this.liveSinceRecheck = true;
    return true;
  }

  async *events(signal: AbortSignal): AsyncGenerator<FeedEvent> {
    // A container just queued by this follower's own launch is known to be queued with nothing stored: the
    // follower says so and takes live output at once. Reading first held the first line behind the output
    // service's read model, which a launch no longer waits for (~85 ms; docs/PERFORMANCE.md › Launch).
    let firstReadAt = Infinity;
    if (this.justQueued) {
      yield* this.announce();
      firstReadAt = Date.now() + JUST_QUEUED_FIRST_READ_MS;
    } else {
      yield* this.poll();
      yield* this.catchUp();
    }
    while (!this.ended && !this.complete && !signal.aborted) {
      const nextPoll = this.timing.pollMs === null ? Infinity : this.nextPollAt - Date.now();
      const messages = await this.inbox.take(Math.min(nextPoll, firstReadAt - Date.now()), signal);
      if (messages.length > 0) firstReadAt = Infinity;
      for (const message of coalesceOutput(messages)) yield* this.apply(message, signal);
      if (Date.now() >= firstReadAt && !signal.aborted) {
        // Nothing live yet: the run may have printed and ended before the subscription.
        firstReadAt = Infinity;
        yield* this.poll();
        yield* this.catchUp();
      }
      if (this.timing.pollMs !== null && Date.now() >= this.nextPollAt && !signal.aborted) {
        yield* this.poll();
        yield* this.catchUp();
      }
    }
    if (!signal.aborted) yield* this.finish(signal);
  }

  private *announce(): Generator<FeedEvent> {
    if (this.ended || this.phase === this.announced) return;
    this.announced = this.phase;
    yield { kind: 'status', status: this.phase };
  }

  private *noteResult(resultObject: string | null | undefined): Generator<FeedEvent> {
    if (resultObject === null || resultObject === undefined || resultObject === this.lastResult) return;
    this.lastResult = resultObject;
    yield { kind: 'result', resultObject };
  }

  private async *poll(): AsyncGenerator<FeedEvent> {
    this.nextPollAt = Date.now() + (this.timing.pollMs ?? 0);
    const record = await this.source.fetch();
    if (record?.status === 'running') this.phase = 'running';
    if (record?.status === 'ended') this.ended = true;
    yield* this.announce();
    yield* this.noteResult(record?.resultObject);
  }

  private async *apply(message: InboxMessage, signal: AbortSignal): AsyncGenerator<FeedEvent> {
    switch (message.type) {
      case 'output':
        this.liveSinceRecheck = true;
        yield* this.liveOutput(message.offset, message.bytes, signal);
        return;
      case 'recheck':
        // Output still flowing shows a lost message as a gap; only a quiet feed reads storage.
        if (!this.liveSinceRecheck) yield* this.catchUp();
        this.liveSinceRecheck = false;
        return;
      case 'failed':
        throw message.error;
      case 'status':
        if (message.status === 'ended') this.ended = true;
        else if (message.status === 'running') this.phase = 'running';
        yield* this.announce();
        return;
      case 'result':
        yield* this.noteResult(message.resultObject);
        return;
      default:
        return;
    }
  }

  private async *liveOutput(offset: number, bytes: Buffer, signal: AbortSignal): AsyncGenerator<FeedEvent> {
    const end = offset + bytes.length;
    if (offset > this.position) yield* this.fillGap(offset, signal);
    if (end <= this.position || offset > this.position) return;
    if (this.phase === 'queued') this.phase = 'running';
    yield* this.announce();
    const from = this.position;
    this.position = end;
    yield { kind: 'output', from, to: end, bytes: bytes.subarray(from - offset) };
  }

  /** Stored output from the current position, for as long as reads make progress. */
  private async *catchUp(): AsyncGenerator<FeedEvent> {
    for (;;) {
      const read = await this.source.readStored(this.position);
      if (!read) return;
      if (read.complete) this.complete = true;
      if (read.outputPos <= this.position) return;
      const from = this.position;
      this.position = read.outputPos;
      yield { kind: 'output', from, to: read.outputPos, bytes: Buffer.from(read.output, 'utf8') };
      if (read.complete) return;
    }
  }

  /** Reads storage until it reaches `target` (the output service may be a little behind the live messages). */
  private async *fillGap(target: number, signal: AbortSignal): AsyncGenerator<FeedEvent> {
    for (let wait = 10; this.position < target && !this.complete && !signal.aborted; wait = Math.min(wait * 2, this.timing.maxRetryMs)) {
      // Asked again after each read of storage: once storage reaches what the hub heard, the rest is there.
      const recent = this.source.recentOutput?.(this.position);
      if (recent) {
        const from = this.position;
        this.position += recent.length;
        yield { kind: 'output', from, to: this.position, bytes: recent };
        continue;
      }
      yield* this.catchUp();
      if (this.position < target && !this.complete) await pause(wait, signal);
    }
  }

  private async *finish(signal: AbortSignal): AsyncGenerator<FeedEvent> {
    for (let wait = 10; !this.complete && !signal.aborted; wait = Math.min(wait * 2, this.timing.maxRetryMs)) {
      const before = this.position;
      yield* this.catchUp();
      if (this.position > before) wait = 5;
      else if (!this.complete) await pause(wait, signal);
    }
    if (signal.aborted) return;
    yield { kind: 'ended', outputPos: this.position, record: () => this.endedRecord(signal) };
  }

  /** The output is complete only once the container ended, so its record says so (or soon will). */
  private async endedRecord(signal: AbortSignal): Promise<FetchContainerResult> {
    for (let wait = 10; !signal.aborted; wait = Math.min(wait * 2, this.timing.maxRetryMs)) {
      const record = await this.source.fetch();
      if (record?.status === 'ended') return record;
      await pause(wait, signal);
    }
    throw new Error('The watch was closed before the container record was read');
  }
}

/**
 * Contiguous output messages taken together become one (one write to the client instead of one per
 * message); anything else keeps its place.
 */
function coalesceOutput(messages: InboxMessage[]): InboxMessage[] {
  if (messages.length < 2) return messages;
  const merged: InboxMessage[] = [];
  let run: Extract<InboxMessage, { type: 'output' }>[] = [];
  const close = () => {
    if (run.length === 1) merged.push(run[0]!);
    else if (run.length > 1) merged.push({ type: 'output', offset: run[0]!.offset, bytes: Buffer.concat(run.map((m) => m.bytes)) });
    run = [];
  };
  for (const message of messages) {
    const last = run[run.length - 1];
    if (message.type === 'output' && (!last || last.offset + last.bytes.length === message.offset)) run.push(message);
    else {
      close();
      if (message.type === 'output') run.push(message);
      else merged.push(message);
    }
  }
  close();
  return merged;
}
