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
 * Live messages received for one container, waiting for the feed to take them. Output beyond
 * `maxPendingBytes` (a watcher slower than the script) is dropped: live messages are
 * at-most-once anyway, and the feed fills any gap from the stored output.
 */
export class LiveInbox {
  private queue: LiveMessage[] = [];
  private pendingBytes = 0;
  private wake: (() => void) | null = null;

  constructor(private readonly maxPendingBytes = 8 * 1024 * 1024) {}

  push(message: LiveMessage): void {
    if (message.type === 'output') {
      if (this.pendingBytes + message.data.length > this.maxPendingBytes) return;
      this.pendingBytes += message.data.length;
    }
    this.queue.push(message);
    this.wake?.();
  }

  /** Everything received so far; waits up to `waitMs` for something when nothing is there. */
  async take(waitMs: number, signal: AbortSignal): Promise<LiveMessage[]> {
    if (!this.queue.length && waitMs > 0 && !signal.aborted) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          this.wake = null;
          resolve();
        };
        const timer = setTimeout(done, waitMs);
        signal.addEventListener('abort', done, { once: true });
        this.wake = done;
      });
    }
    const taken = this.queue;
    this.queue = [];
    this.pendingBytes = 0;
    return taken;
  }
}
