interface Entry<V> {
  value: V;
  group: string;
  expiresAt: number;
}

interface GroupInvalidation {
  /** The invalidation's sequence number: a fill whose ticket is older may predate it. */
  seq: number;
  /** No fill of the group is stored before this (the answering service may not have caught up yet). */
  quietUntil: number;
}

/**
 * How long a group's invalidation is remembered after its quiet window, to tell its fills in flight from
 * other groups' (longer than an RPC's timeout). Forgotten, it still refuses them: through the global floor.
 */
const RECORD_RETENTION_MS = 10_000;

export interface InvalidatingCacheOptions {
  /** 0 turns the cache off: nothing is stored, every lookup misses. */
  maxEntries: number;
  /** Backstop: an entry is forgotten this long after its fill even if no invalidation was heard. */
  ttlMs: number;
  /**
   * After a group's invalidation, fills of that group are not stored for this long. For answers read from
   * a read model that follows the log independently of whoever pushed the invalidation (the relay), so a
   * fill racing the read model's catch-up is served once but not remembered.
   */
  settleMs?: number;
  now?: () => number;
}

/**
 * A bounded map (least recently used dropped first) of answers this replica got from a service, kept
 * true by invalidations pushed to it: the twin mechanism under the verified-key cache and the agent read
 * cache. Each entry belongs to a group (what one invalidation names, e.g. an agent id).
 *
 * A fill races invalidations: the answer it stores may have left the service before an invalidation
 * that arrived while it was in flight. So a fill takes a `ticket()` before asking and `fill()` stores
 * only if nothing that could concern it was invalidated since: its group (per-group sequence numbers),
 * or anything by predicate / `clear()` (a global floor, since a predicate can't say which fills in flight
 * it concerns). The per-group records are bounded too: pruning one, or overflowing, raises the floor
 * (refusing some unrelated fills in flight, never storing a stale one).
 */
export class InvalidatingCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  /** The ids of each group's entries, so a group's invalidation does not walk the whole map. */
  private readonly idsByGroup = new Map<string, Set<string>>();
  /** Recent group invalidations, oldest first (re-inserted when a group is invalidated again). */
  private readonly recent = new Map<string, GroupInvalidation>();
  private readonly maxRecent: number;
  private readonly settleMs: number;
  private readonly now: () => number;
  private seq = 0;
  /** A fill whose ticket is below this is refused. */
  private floor = 0;
  /** No fill at all is stored before this (set when a group's quiet window had to be forgotten early). */
  private quietUntil = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly ttlMs: number,
    options: Omit<InvalidatingCacheOptions, 'maxEntries' | 'ttlMs'> = {},
  ) {
    this.settleMs = options.settleMs ?? 0;
    this.now = options.now ?? Date.now;
    this.maxRecent = Math.max(1000, maxEntries);
  }

  get enabled(): boolean {
    return this.maxEntries > 0;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Take it before asking the service; hand it to `fill`. */
  ticket(): number {
    return this.seq;
  }

  get(id: string): V | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.drop(id);
      return undefined;
    }
    // Most recently used last (Map keeps insertion order).
    this.entries.delete(id);
    this.entries.set(id, entry);
    return entry.value;
  }

  /** Stores an answer unless its group (or everything) was invalidated since `ticket`, or its group is still settling. */
  fill(id: string, group: string, value: V, ticket: number): boolean {
    if (!this.enabled) return false;
    const now = this.now();
    this.prune(now);
    if (ticket < this.floor || now < this.quietUntil) return false;
    const invalidation = this.recent.get(group);
    if (invalidation && (ticket < invalidation.seq || now < invalidation.quietUntil)) return false;
    this.drop(id);
    this.entries.set(id, { value, group, expiresAt: now + this.ttlMs });
    const ids = this.idsByGroup.get(group);
    if (ids) ids.add(id);
    else this.idsByGroup.set(group, new Set([id]));
    while (this.entries.size > this.maxEntries) this.drop(this.entries.keys().next().value!);
    return true;
  }

  /** Drops the group's entries and refuses its fills in flight (and, for `settleMs`, new ones). */
  invalidateGroup(group: string): void {
    const now = this.now();
    const seq = ++this.seq;
    this.recent.delete(group);
    this.recent.set(group, { seq, quietUntil: now + this.settleMs });
    for (const id of this.idsByGroup.get(group) ?? []) this.drop(id);
    this.prune(now);
    while (this.recent.size > this.maxRecent) {
      const [oldest, invalidation] = this.recent.entries().next().value!;
      this.forget(oldest, invalidation);
      this.quietUntil = Math.max(this.quietUntil, invalidation.quietUntil);
    }
  }

  /**
   * Drops the entries matching `match` and refuses every fill in flight (which of them it concerns can't be
   * told); with `settle`, every fill for `settleMs` too.
   */
  invalidateWhere(match: (value: V, group: string) => boolean, options: { settle?: boolean } = {}): void {
    this.floor = ++this.seq;
    if (options.settle) this.quietUntil = Math.max(this.quietUntil, this.now() + this.settleMs);
    for (const [id, entry] of this.entries) if (match(entry.value, entry.group)) this.drop(id);
  }

  clear(): void {
    this.floor = ++this.seq;
    this.entries.clear();
    this.idsByGroup.clear();
  }

  private drop(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    const ids = this.idsByGroup.get(entry.group)!;
    ids.delete(id);
    if (ids.size === 0) this.idsByGroup.delete(entry.group);
  }

  /** Group records past their quiet window and retention are folded into the floor: same refusals, less memory. */
  private prune(now: number): void {
    for (const [group, invalidation] of this.recent) {
      if (invalidation.quietUntil + RECORD_RETENTION_MS > now) return;
      this.forget(group, invalidation);
    }
  }

  private forget(group: string, invalidation: GroupInvalidation): void {
    this.recent.delete(group);
    this.floor = Math.max(this.floor, invalidation.seq);
  }
}
