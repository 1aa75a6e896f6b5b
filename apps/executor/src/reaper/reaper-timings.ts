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
  // At least 5 s: a call that times out abandons the sweep and drops the leader session (it may be
  // what hangs), so the next sweep campaigns afresh. On a loaded 2-core machine one append took
  // over 2 s (CI: "executor-lost end did not answer within 2000 ms"); the end was committed anyway,
  // so the short bound only cost a leadership round. Still well under the sweep's deadline (10 s+).
  const callTimeoutMs = Math.min(10_000, Math.max(5000, Math.floor(heartbeatTtlMs / 2)));
  const sweepDeadlineMs = Math.max(10_000, 2 * heartbeatTtlMs);
  return { sweepEveryMs, callTimeoutMs, sweepDeadlineMs, leaderIdleTimeoutMs: 2 * (sweepEveryMs + sweepDeadlineMs) };
}
