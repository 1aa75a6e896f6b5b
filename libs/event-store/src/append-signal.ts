import type { DataSource } from 'typeorm';
import { pgPool } from './pg-access.js';
import { EVENTS_CHANNEL } from './schema-names.js';

// Asynchronous commit: the notifying transaction holds Postgres's global notify lock only
// briefly instead of until a disk flush. Prepared once per connection: no parse and plan per signal.
const NOTIFY_STATEMENT = {
  name: 'agentry_append_signal_v1',
  text: `SELECT set_config('synchronous_commit', 'off', true), pg_notify('${EVENTS_CHANNEL}', '')`,
};

/**
 * At most one NOTIFY per this many milliseconds. Each is a round trip and a transaction of its own, as costly
 * as a small append: one per append halved the appends a busy machine could take at concurrency 1. The first
 * append after a quiet moment is signalled at once; under a steady stream the runners learn of new events at
 * most this much later (they then read every event committed meanwhile in one page).
 */
const SIGNAL_INTERVAL_MS = 2;

/**
 * Tells projection runners (LISTEN) that appends committed. Signals raised while one NOTIFY is in flight,
 * or within SIGNAL_INTERVAL_MS of the last one, are coalesced into the next one, so a process sends at most
 * one at a time and a few hundred a second whatever its append rate. A lost signal only delays runners until
 * their poll.
 */
export class AppendSignal {
  private sending = false;
  private pending = false;
  private timer: NodeJS.Timeout | undefined;
  private lastSentAt = -Infinity;

  constructor(
    private readonly dataSource: DataSource,
    private readonly intervalMs = SIGNAL_INTERVAL_MS,
  ) {}

  raise(): void {
    this.pending = true;
    if (!this.sending && !this.timer) this.sendWhenDue();
  }

  private sendWhenDue(): void {
    const wait = this.lastSentAt + this.intervalMs - performance.now();
    if (wait <= 0) {
      void this.send();
      return;
    }
    // Timers count whole milliseconds of the event loop's clock and may fire before `wait` has passed (a 1.7 ms
    // wait fired after ~1 ms: a NOTIFY every ~1.1 ms at concurrency 1 instead of every 2): check again when it fires.
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.sendWhenDue();
    }, Math.ceil(wait));
  }

  private async send(): Promise<void> {
    if (!this.pending || !this.dataSource.isInitialized) return;
    this.sending = true;
    this.pending = false;
    this.lastSentAt = performance.now();
    try {
      await pgPool(this.dataSource).query(NOTIFY_STATEMENT);
    } catch {
      // Shutting down or the database is unreachable: the runners' poll covers it.
    }
    this.sending = false;
    if (this.pending) this.sendWhenDue();
  }
}

const signals = new WeakMap<DataSource, AppendSignal>();

export function appendSignal(dataSource: DataSource): AppendSignal {
  let signal = signals.get(dataSource);
  if (!signal) signals.set(dataSource, (signal = new AppendSignal(dataSource)));
  return signal;
}
