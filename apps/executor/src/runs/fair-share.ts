/**
 * Fair share across orgs: the pure rules the LaunchWorker applies to a launch it pulled.
 *
 * A launch needs three things to start: one of this replica's run slots, one of its agent's
 * `maxParallelism` slots and one of its org's `maxRunningContainers` slots (both KV leases shared
 * by every replica). A launch whose org is at its cap goes straight back to the queue with a delay
 * (`nak(delay)`): it holds no run slot and no place in line, so the next launches in the queue
 * (other orgs') are pulled at once. Never back without a delay: JetStream redelivers a plain nak
 * at once, and the replicas re-pull the same blocked launches in a tight loop, a stream read and
 * KV round trips each time (3,575 deliveries in 5 s for 11 launches waiting on one agent slot,
 * 27 with the delay).
 */

/** First delay of a launch put back because its org or agent is at its limit; doubles per delivery. */
export const BUSY_FIRST_DELAY_MS = 250;
/** Longest such delay: how late, at most, a capped org's next launch notices a freed slot. */
export const BUSY_MAX_DELAY_MS = 4000;

/**
 * How long a launch put back because its org (or agent) is at its limit stays out of the queue:
 * growing with each delivery so a long-capped queue costs little, jittered (±25 %, `random` in
 * [0, 1)) so launches put back together don't all come back together.
 */
export function busyRetryDelayMs(deliveryCount: number, random: number): number {
  const attempt = Math.max(1, Math.min(Math.floor(deliveryCount), 16));
  const base = Math.min(BUSY_MAX_DELAY_MS, BUSY_FIRST_DELAY_MS * 2 ** (attempt - 1));
  return Math.round(base * (0.75 + 0.5 * Math.min(Math.max(random, 0), 1)));
}

/**
 * An org slot taken with a cap read earlier (cached) must still fit the org's cap as the launch's
 * snapshot tells it now: slots 0 … cap − 1 exist, so a slot past a lowered cap is given back.
 * Runs holding such slots already go on; the lower cap applies as they end.
 */
export const slotFitsCap = (slotIndex: number, cap: number): boolean => slotIndex < cap;

/** How long an org's cap learned from a launch snapshot is used without asking again. */
export const ORG_CAP_FRESH_MS = 10_000;

/**
 * The caps of orgs seen recently, so a launch put back because its org is full costs no registry
 * call when it comes back: the snapshot (the agent's settings and script) is read only once the
 * launch has its slots. A cap changed in the plan applies within ORG_CAP_FRESH_MS.
 */
export class OrgCaps {
  private readonly caps = new Map<number, { cap: number; until: number }>();

  constructor(private readonly freshMs = ORG_CAP_FRESH_MS) {}

  get(orgId: number, now: number): number | undefined {
    const known = this.caps.get(orgId);
    if (!known || known.until <= now) return undefined;
    return known.cap;
  }

  set(orgId: number, cap: number, now: number): void {
    this.caps.set(orgId, { cap, until: now + this.freshMs });
  }
}

/** How long this replica takes an org it found at its cap as still full (unless it frees one of its slots itself). */
export const ORG_FULL_MEMO_MS = 500;

/**
 * Orgs this replica found at their cap a moment ago: their launches coming back meanwhile go back
 * to the queue without a stream read or a KV round trip (`cap` of them when full), so a flood of
 * one capped org costs the others almost nothing. Local and short: a slot freed on another replica
 * is seen at most ORG_FULL_MEMO_MS late; one freed here clears the memo at once.
 */
export class OrgFullMemo {
  private readonly fullUntil = new Map<number, number>();

  constructor(private readonly memoMs = ORG_FULL_MEMO_MS) {}

  markFull(orgId: number, now: number): void {
    this.fullUntil.set(orgId, now + this.memoMs);
  }

  isFull(orgId: number, now: number): boolean {
    const until = this.fullUntil.get(orgId);
    if (until === undefined) return false;
    if (until > now) return true;
    this.fullUntil.delete(orgId);
    return false;
  }

  /** This replica released one of the org's slots. */
  freed(orgId: number): void {
    this.fullUntil.delete(orgId);
  }
}
