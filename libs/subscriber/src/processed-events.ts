/**
 * Which events a subscriber already handled, by public event id: delivery is at least once (a redelivery
 * after a crash, a NATS restart, a replay), so the kit asks the store before calling the handler and
 * records the id after it resolved. An event whose handler ran but whose id was not recorded yet (the
 * process died in between) is handled again: make handlers idempotent, or record in the same transaction
 * as the handler's own writes (PostgresProcessedEvents.runOnce).
 */
export interface ProcessedEvents {
  has(durable: string, eventId: string): Promise<boolean>;
  remember(durable: string, eventId: string): Promise<void>;
}

/**
 * Default store: this process's memory, bounded (oldest ids forgotten first). Deduplicates redeliveries
 * while the process lives; after a restart use a persistent store (PostgresProcessedEvents).
 */
export class InMemoryProcessedEvents implements ProcessedEvents {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity = 100_000) {}

  async has(durable: string, eventId: string): Promise<boolean> {
    return this.ids.has(`${durable}\u0000${eventId}`);
  }

  async remember(durable: string, eventId: string): Promise<void> {
    const key = `${durable}\u0000${eventId}`;
    if (this.ids.has(key)) return;
    this.ids.add(key);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value as string);
  }
}
