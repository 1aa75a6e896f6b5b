import type { LiveMessage } from '@agentry/contracts';

/** Resolves after `ms`, or at once when `signal` aborts. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * What a feed's inbox holds: live messages with their output bytes decoded (once per container by
 * the hub, the same Buffer shared by every follower, never written to), the hub's periodic
 * `recheck`, and `failed` when the container's source gave up (the feed throws it).
 */
export type InboxMessage =
  { type: 'output'; offset: number; bytes: Buffer } | Exclude<LiveMessage, { type: 'output' }> | { type: 'recheck' } | { type: 'failed'; error: unknown };

export const inboxMessage = (message: LiveMessage): InboxMessage =>
  message.type === 'output' ? { type: 'output', offset: message.offset, bytes: Buffer.from(message.data, 'base64') } : message;

/** Default bound of one watcher's undelivered live output (see LiveInbox). */
const MAX_PENDING_BYTES = 1024 * 1024;

/**
 * Live messages received for one container, waiting for the feed to take them. Output beyond
 * `maxPendingBytes` (a watcher slower than the script, or one whose client stopped reading) is
 * dropped: live messages are at-most-once anyway, and the feed fills any gap from the stored
 * output. So a client that does not read costs at most this much here, whatever the script prints.
 */
export class LiveInbox {
  private queue: InboxMessage[] = [];
  private pendingBytes = 0;
  private wake: (() => void) | null = null;
  private signal: AbortSignal | null = null;

  constructor(private readonly maxPendingBytes = MAX_PENDING_BYTES) {}

  push(message: InboxMessage): void {
    if (message.type === 'output') {
      if (this.pendingBytes + message.bytes.length > this.maxPendingBytes) return;
      this.pendingBytes += message.bytes.length;
    }
    this.queue.push(message);
    this.wake?.();
  }

  /** True while the feed waits in `take` with nothing received: it has handed every earlier message on. */
  get waiting(): boolean {
    return this.wake !== null;
  }

  /**
   * Everything received so far; waits up to `waitMs` for something when nothing is there
   * (`Infinity`: until something comes or `signal` aborts, with no timer at all).
   */
  async take(waitMs: number, signal: AbortSignal): Promise<InboxMessage[]> {
    if (!this.queue.length && waitMs > 0 && !signal.aborted) {
      this.listenTo(signal);
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.wake = null;
          resolve();
        };
        const timer = Number.isFinite(waitMs) ? setTimeout(done, waitMs) : undefined;
        this.wake = done;
      });
    }
    const taken = this.queue;
    this.queue = [];
    this.pendingBytes = 0;
    return taken;
  }

  /**
   * One abort listener per signal for the inbox's life, not one added and removed per wait: with
   * thousands of followers each waking on every line, the EventTarget calls were a tenth of the
   * gateway's CPU (bench/fanout profile).
   */
  private listenTo(signal: AbortSignal): void {
    if (this.signal === signal) return;
    this.signal = signal;
    signal.addEventListener('abort', () => this.wake?.(), { once: true });
  }
}
