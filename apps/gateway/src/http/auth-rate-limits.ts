import { DomainError, ErrorCode } from '@agentry/contracts';
import type { EdgeConfig } from '../config.js';
import { RateLimiter } from './rate-limiter.js';

const rateLimited = (message: string, seconds: number): DomainError => new DomainError(ErrorCode.RATE_LIMITED, message, undefined, seconds);

/**
 * The two limits the auth guard applies (429 with Retry-After, in each API generation's shape):
 * - failed key checks per client address. Once an address is over its budget, every keyed request
 *   from it is refused *without checking the key*, a correct one included: answering a correct key
 *   normally would tell a guesser which guess was right, which is what the limit exists to stop.
 *   A request without any key is not a guess and is not counted;
 * - requests per API key (by key id, after verification, so wrong keys can't spend a real key's budget).
 */
export class AuthRateLimits {
  private readonly failures: RateLimiter;
  private readonly perKey?: RateLimiter;

  constructor(edge: EdgeConfig) {
    this.failures = new RateLimiter(edge.authFailureLimit, edge.authFailureWindowSeconds * 1000);
    if (edge.keyRateLimit > 0) this.perKey = new RateLimiter(edge.keyRateLimit, edge.keyRateWindowSeconds * 1000);
  }

  refuseBlockedAddress(address: string): void {
    const seconds = this.failures.retryAfterSeconds(address);
    if (seconds > 0) throw rateLimited('Too many failed API key checks from this address; retry later', seconds);
  }

  recordFailure(address: string): void {
    this.failures.take(address);
  }

  /** `run`: a run key, charged per run (its container id), apart from the org's keys. */
  chargeKey(keyId: number | string, run = false): void {
    const seconds = this.perKey?.take(run ? `run-${keyId}` : String(keyId)) ?? 0;
    if (seconds > 0) throw rateLimited('Too many requests with this API key; retry later', seconds);
  }
}
