import type { DataSource } from 'typeorm';
import { pgPool } from './pg-access.js';
import { EVENTS_CHANNEL } from './schema-names.js';

// Asynchronous commit: the notifying transaction holds Postgres's global notify lock only
// briefly instead of until a disk flush.
const NOTIFY_SQL = `SELECT set_config('synchronous_commit', 'off', true), pg_notify('${EVENTS_CHANNEL}', '')`;

/**
 * Tells projection runners (LISTEN) that appends committed. Signals raised while one NOTIFY is in
 * flight are coalesced into the next one, so a process sends at most one at a time whatever its
 * append rate. A lost signal only delays runners until their poll.
 */
class AppendSignal {
  private sending = false;
  private pending = false;

  constructor(private readonly dataSource: DataSource) {}

  raise(): void {
    this.pending = true;
    if (!this.sending) void this.flush();
  }

  private async flush(): Promise<void> {
    this.sending = true;
    while (this.pending && this.dataSource.isInitialized) {
      this.pending = false;
      try {
        await pgPool(this.dataSource).query({ text: NOTIFY_SQL });
      } catch {
        // Shutting down or the database is unreachable: the runners' poll covers it.
      }
    }
    this.sending = false;
  }
}

const signals = new WeakMap<DataSource, AppendSignal>();

export function appendSignal(dataSource: DataSource): AppendSignal {
  let signal = signals.get(dataSource);
  if (!signal) signals.set(dataSource, (signal = new AppendSignal(dataSource)));
  return signal;
}
