import { createHash } from 'node:crypto';
import type { Actor, KeyInvalidation } from '@agentry/contracts';

interface Entry {
  actor: Actor;
  expiresAt: number;
}

/**
 * Verified API keys of this gateway replica, so an authenticated request does not wait on a
 * registry round trip. Keyed by the key's SHA-256 (never the key itself) and the org selector
 * it came with, since the actor depends on both. Bounded: least recently used dropped first.
 *
 * What keeps it true (auth-key-invalidations.ts): the registry pushes every revoke to every
 * replica, which drops the key's entries at once; a lost connection drops everything (pushes may
 * have been missed); `ttlMs` is only a backstop. A verification that was in flight when anything
 * was dropped is not stored (`generation`): its answer may predate the revoke.
 * Only successful verifications are stored, so wrong keys can't fill it.
 */
export class VerifiedKeyCache {
  private readonly entries = new Map<string, Entry>();
  private generationCounter = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get enabled(): boolean {
    return this.maxEntries > 0;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Changes whenever something is dropped: take it before verifying, hand it to `remember`. */
  get generation(): number {
    return this.generationCounter;
  }

  lookup(key: string, org: string | undefined): Actor | undefined {
    if (!this.enabled) return undefined;
    const id = cacheId(key, org);
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(id);
      return undefined;
    }
    // Most recently used last (Map keeps insertion order).
    this.entries.delete(id);
    this.entries.set(id, entry);
    return copyOf(entry.actor);
  }

  /** Stores a verification unless something was dropped since `generation` was read. */
  remember(key: string, org: string | undefined, actor: Actor, generation: number): void {
    if (!this.enabled || generation !== this.generationCounter) return;
    const id = cacheId(key, org);
    this.entries.delete(id);
    this.entries.set(id, { actor: copyOf(actor), expiresAt: this.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  /** Drops every entry of these keys (any org selector) and of these orgs. */
  invalidate({ keyIds, orgIds }: KeyInvalidation): void {
    this.generationCounter++;
    if (keyIds.length === 0 && orgIds.length === 0) return;
    const keys = new Set(keyIds);
    const orgs = new Set(orgIds);
    for (const [id, { actor }] of this.entries) {
      if (keys.has(actor.keyId) || orgs.has(actor.orgId)) this.entries.delete(id);
    }
  }

  clear(): void {
    this.generationCounter++;
    this.entries.clear();
  }
}

const cacheId = (key: string, org: string | undefined): string => `${createHash('sha256').update(key).digest('base64')} ${org ?? ''}`;

const copyOf = (actor: Actor): Actor => ({ ...actor, roles: [...actor.roles] });
