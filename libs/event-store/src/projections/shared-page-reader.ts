import { readLogPage, type LogPage, type Queryable } from '../log-reader.js';
import type { LogPosition } from '../types.js';
import type { Projection } from './projection.js';

/**
 * One log read for the projections of a runner that ask for the same page at once. Every append wakes
 * every projection, and live projections sit at the same checkpoint (the log's end), so without this a
 * service with five projections read each new event five times (bench/launch/cpu-budget.mjs counted ~40
 * page reads per launched run across the services). The page carries the data of every type any of the
 * projections wants; each worker applies only its own (`projectionAccepts`).
 */
export class SharedPageReader {
  private readonly types: readonly string[] | undefined;
  private readonly inFlight = new Map<string, Promise<LogPage>>();

  constructor(
    private readonly db: Queryable,
    projections: readonly Projection[],
  ) {
    // One projection without a type list wants every event: then the page carries every event's data.
    this.types = projections.every((p) => p.eventTypes) ? [...new Set(projections.flatMap((p) => p.eventTypes!))] : undefined;
  }

  /** The page after `from`: the read already in flight for the same position and size, else a new one. */
  read(from: LogPosition, limit: number): Promise<LogPage> {
    const key = `${from.transactionId}:${from.globalPosition}:${limit}`;
    let page = this.inFlight.get(key);
    if (!page) {
      page = readLogPage(this.db, from, limit, this.types);
      this.inFlight.set(key, page);
      // Shared only while in flight: a later read must see what committed since.
      const forget = () => this.inFlight.delete(key);
      page.then(forget, forget);
    }
    return page;
  }
}
