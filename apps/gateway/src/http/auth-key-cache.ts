import { createHash } from 'node:crypto';
import type { Actor, KeyInvalidation } from '@agentry/contracts';
import { InvalidatingCache } from './invalidating-cache.js';

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
  private readonly cache: InvalidatingCache<Actor>;

  constructor(maxEntries: number, ttlMs: number, now: () => number = Date.now) {
    this.cache = new InvalidatingCache<Actor>(maxEntries, ttlMs, { now });
  }

  get enabled(): boolean {
    return this.cache.enabled;
  }

  get size(): number {
    return this.cache.size;
  }

  /** Changes whenever something is dropped: take it before verifying, hand it to `remember`. */
  get generation(): number {
    return this.cache.ticket();
  }

  lookup(key: string, org: string | undefined): Actor | undefined {
    if (!this.enabled) return undefined;
    const actor = this.cache.get(cacheId(key, org));
    return actor && copyOf(actor);
  }

  /** Stores a verification unless something was dropped since `generation` was read. */
  remember(key: string, org: string | undefined, actor: Actor, generation: number): void {
    const id = cacheId(key, org);
    this.cache.fill(id, id, copyOf(actor), generation);
  }

  /** Drops every entry of these keys (any org selector) and of these orgs. */
  invalidate({ keyIds, orgIds }: KeyInvalidation): void {
    const keys = new Set(keyIds);
    const orgs = new Set(orgIds);
    this.cache.invalidateWhere((actor) => keys.has(actor.keyId) || orgs.has(actor.orgId));
  }

  clear(): void {
    this.cache.clear();
  }
}

const cacheId = (key: string, org: string | undefined): string => `${createHash('sha256').update(key).digest('base64')} ${org ?? ''}`;

const copyOf = (actor: Actor): Actor => ({ ...actor, roles: [...actor.roles] });
