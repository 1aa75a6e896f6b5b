/** How often the reaper sweeps and how long each network call and each sweep may take, from the heartbeat TTL. */
export interface ReaperTimings {
  sweepEveryMs: number;
  /** Any one network call (a query, a KV read, an append). */
  callTimeoutMs: number;
  /** A whole sweep: past it the sweep is abandoned and the next one starts afresh. */
  sweepDeadlineMs: number;
  /**
   * Postgres closes the leader's session (and so frees the lock) after it has been silent this long:
   * a leader that is frozen or cut off stands down by itself instead of holding the lock until TCP
   * notices. The live leader speaks at least every sweepEveryMs + sweepDeadlineMs.
   */
  leaderIdleTimeoutMs: number;
}

export function reaperTimings(heartbeatTtlMs: number): ReaperTimings {
  const sweepEveryMs = Math.max(200, Math.floor(heartbeatTtlMs / 2));
  const callTimeoutMs = Math.min(10_000, Math.max(2000, Math.floor(heartbeatTtlMs / 2)));
  const sweepDeadlineMs = Math.max(10_000, 2 * heartbeatTtlMs);
  return { sweepEveryMs, callTimeoutMs, sweepDeadlineMs, leaderIdleTimeoutMs: 2 * (sweepEveryMs + sweepDeadlineMs) };
}
