import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { AgentLaunchSnapshot } from '@agentry/contracts';

/**
 * The agent snapshot a launch read, as its LAUNCHES message carries it to the worker that starts
 * the container, so the start does not ask the registry for the same snapshot a second time (~20 ms
 * of a run's critical path and ~10 ms of the registry's CPU per run, docs/PERFORMANCE.md › Launch).
 * `json` is the snapshot's exact text, `takenAt` when the launch read it (ms), `mac` an HMAC of both
 * and of the container id under a key derived from AGENTRY_SECRET_KEY.
 */
export interface CarriedSnapshot {
  json: string;
  takenAt: number;
  mac: string;
}

/**
 * How old a carried snapshot may be and still start its container. A launch that starts at once (the
 * case this is for) is milliseconds old; one that waited in the queue (parallelism, fair share,
 * notBefore) asks the registry again, so an agent deleted, retired or edited meanwhile is seen as
 * before. Clocks of two replicas may differ: the window is taken both ways.
 */
export const CARRIED_SNAPSHOT_MAX_AGE_MS = 5_000;
/** A larger snapshot (a big script and its libraries) is not carried: the worker asks for it. */
export const CARRIED_SNAPSHOT_MAX_BYTES = 256 * 1024;

const KEY_INFO = 'agentry launch snapshot v1';

/**
 * Seals a launch's snapshot into its queue message and opens it at the start. Opening trusts nothing
 * in the message: a snapshot that was not sealed with this platform's key for this very container (a
 * message forged or altered by anything that can publish to LAUNCHES, one copied onto another
 * container), one too old, or one of another agent, org or version than the container's stream records,
 * is not used — the worker then asks the registry, as it would without one.
 */
export class SnapshotSeal {
  private readonly key: Buffer;

  constructor(secretKey: Buffer) {
    // Its own key, derived: a MAC made here can never stand for anything sealed with the secret key itself.
    this.key = Buffer.from(hkdfSync('sha256', secretKey, Buffer.alloc(0), KEY_INFO, 32));
  }

  /** The snapshot to carry in container `containerId`'s message, or undefined when it is too large to carry. */
  seal(containerId: number, snapshot: AgentLaunchSnapshot, now = Date.now()): CarriedSnapshot | undefined {
    const json = JSON.stringify(snapshot);
    if (Buffer.byteLength(json, 'utf8') > CARRIED_SNAPSHOT_MAX_BYTES) return undefined;
    return { json, takenAt: now, mac: this.mac(containerId, now, json) };
  }

  /**
   * The carried snapshot when it was sealed here for this container at most CARRIED_SNAPSHOT_MAX_AGE_MS
   * ago and is of the agent, org and version its stream records; null otherwise (ask the registry).
   */
  open(
    containerId: number,
    carried: unknown,
    expected: { agentId: number; orgId: number; versionId: string | null | undefined },
    now = Date.now(),
  ): AgentLaunchSnapshot | null {
    if (!isCarried(carried) || Math.abs(now - carried.takenAt) > CARRIED_SNAPSHOT_MAX_AGE_MS) return null;
    const mac = Buffer.from(carried.mac, 'base64url');
    const wanted = Buffer.from(this.mac(containerId, carried.takenAt, carried.json), 'base64url');
    if (mac.length !== wanted.length || !timingSafeEqual(mac, wanted)) return null;
    let snapshot: AgentLaunchSnapshot;
    try {
      snapshot = JSON.parse(carried.json) as AgentLaunchSnapshot;
    } catch {
      return null;
    }
    const { agent, version } = snapshot ?? {};
    if (agent?.id !== expected.agentId || agent.orgId !== expected.orgId || !expected.versionId || version?.versionId !== expected.versionId) return null;
    return snapshot;
  }

  private mac(containerId: number, takenAt: number, json: string): string {
    return createHmac('sha256', this.key).update(`${containerId}\n${takenAt}\n`).update(json, 'utf8').digest('base64url');
  }
}

const isCarried = (value: unknown): value is CarriedSnapshot => {
  const c = value as Partial<CarriedSnapshot> | null;
  return typeof c === 'object' && c !== null && typeof c.json === 'string' && Number.isSafeInteger(c.takenAt) && typeof c.mac === 'string';
};
