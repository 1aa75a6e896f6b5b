/**
 * Token buckets keyed by a string (a client address, an API key id): each holds up to `limit`
 * tokens and gets them back evenly over `windowMs`, so `limit` events per window pass in a burst
 * and then one per `windowMs / limit`. In memory, per gateway replica (see README, Rate limits).
 *
 * Memory is bounded: at most `maxKeys` buckets; the least recently touched one is dropped first
 * (a Map iterates in insertion order and a touched bucket is re-inserted). Full buckets are
 * forgotten, since a new bucket starts full anyway.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly maxKeys = 100_000,
    private readonly now: () => number = Date.now,
  ) {
    if (!(limit >= 1) || !(windowMs >= 1)) throw new Error('RateLimiter needs limit ≥ 1 and windowMs ≥ 1');
  }

  /** Seconds until `key` may act again (0: it may now). Takes nothing. */
  retryAfterSeconds(key: string): number {
    const tokens = this.tokensOf(key);
    return tokens >= 1 ? 0 : this.secondsUntilOne(tokens);
  }

  /** Takes one token: 0 when taken, else the seconds to wait (and nothing is taken). */
  take(key: string): number {
    const tokens = this.tokensOf(key);
    if (tokens < 1) return this.secondsUntilOne(tokens);
    this.buckets.delete(key);
    this.buckets.set(key, { tokens: tokens - 1, at: this.now() });
    while (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    return 0;
  }

  /** Buckets currently remembered (for tests of the memory bound). */
  get size(): number {
    return this.buckets.size;
  }

  private tokensOf(key: string): number {
    const bucket = this.buckets.get(key);
    if (!bucket) return this.limit;
    const refilled = bucket.tokens + ((this.now() - bucket.at) * this.limit) / this.windowMs;
    if (refilled >= this.limit) {
      this.buckets.delete(key);
      return this.limit;
    }
    return refilled;
  }

  /** At least 1 s: `Retry-After` is in whole seconds and 0 would invite an immediate retry. */
  private secondsUntilOne(tokens: number): number {
    return Math.max(1, Math.ceil(((1 - tokens) * this.windowMs) / this.limit / 1000));
  }
}
