import { createHash } from 'node:crypto';
import type { ContainerEndedData } from '@agentry/contracts';

export interface Follower {
  agentId: number;
  orgId: number;
  /** `masterAgentLaunchOnExitCodes`; null (unset) = launch whatever the end. */
  exitCodes: number[] | 'all' | null;
  /** `masterAgentLaunchAfter` in seconds; null = the deployment's default range. */
  delaySeconds: number | null;
}

/** Whether the followed agent's end launches the follower: "all" or unset, any end; a list, an exit code in it. */
export function exitCodeMatches(exitCodes: Follower['exitCodes'], exitCode: number | null): boolean {
  if (exitCodes === null || exitCodes === 'all') return true;
  return exitCode !== null && exitCodes.includes(exitCode);
}

/** The default delay, spread over [min, max] seconds but the same for every redelivery of one end. */
export function defaultDelaySeconds(followerId: number, containerId: number, range: { minSeconds: number; maxSeconds: number }): number {
  const span = range.maxSeconds - range.minSeconds;
  if (span === 0) return range.minSeconds;
  const hash = createHash('sha256').update(`${followerId}:${containerId}`).digest().readUInt32BE(0);
  return range.minSeconds + (hash % (span + 1));
}

/** When the follower launches: the followed container's end plus its delay. */
export function followUpAt(follower: Follower, ended: ContainerEndedData, range: { minSeconds: number; maxSeconds: number }): number {
  const delay = follower.delaySeconds ?? defaultDelaySeconds(follower.agentId, ended.containerId, range);
  return ended.endedAt + delay * 1000;
}

export const afterAgentIdempotencyKey = (followerId: number, containerId: number): string => `after:${followerId}:${containerId}`;
