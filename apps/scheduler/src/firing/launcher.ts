import { DomainError, ErrorCode, Role, Subjects, type Actor, type ActorRef, type ContainerLaunchType } from '@agentry/contracts';
import type { RpcClient } from '@agentry/messaging';
import { runWithLogContext } from '@agentry/service-kit';

/** The platform acting for an org: the ids of whoever saved the schedule, and only the right it needs. */
export const schedulerActor = (orgId: number, by: ActorRef | null, role: Role = Role.AGENTS_LAUNCH): Actor => ({
  orgId,
  userId: by?.userId ?? 0,
  keyId: by?.keyId ?? 0,
  roles: [role],
  platformAdmin: false,
});

export type LaunchOutcome = { launched: true; containerId: number } | { launched: false; reason: string };

/** Failures worth another try later (nobody answered, or the executor broke); any other refusal is final. */
const isTransient = (error: unknown): boolean =>
  !(error instanceof DomainError) || error.code === ErrorCode.SERVICE_UNAVAILABLE || error.code === ErrorCode.INTERNAL;

const LAUNCH_TIMEOUT_MS = 15_000;

export interface LaunchRequest {
  orgId: number;
  agentId: number;
  launchedBy: ActorRef | null;
  launchType: ContainerLaunchType;
  /** Same key → same container: a fire retried, or raced by an old leader, launches once. */
  idempotencyKey: string;
  notBefore?: number;
}

/**
 * Launches through the executor, the path of a manual launch. Throws only on transient failures.
 * No client request is behind a fire: its idempotency key (`schedule:<agent>:<planned ms>`,
 * `after:<follower>:<container>`) serves as its request id, so the executor's log lines and the
 * run's events (correlation id) name the fire that caused them.
 */
export async function launchThroughExecutor(rpc: RpcClient, req: LaunchRequest): Promise<LaunchOutcome> {
  return runWithLogContext({ requestId: req.idempotencyKey, orgId: req.orgId }, () => launch(rpc, req));
}

async function launch(rpc: RpcClient, req: LaunchRequest): Promise<LaunchOutcome> {
  try {
    const result = await rpc.request(
      Subjects.executor.launch,
      {
        actor: schedulerActor(req.orgId, req.launchedBy),
        params: {
          agentId: req.agentId,
          launchType: req.launchType,
          idempotencyKey: req.idempotencyKey,
          ...(req.notBefore ? { notBefore: req.notBefore } : {}),
        },
      },
      { timeoutMs: LAUNCH_TIMEOUT_MS },
    );
    return { launched: true, containerId: result.containerId };
  } catch (error) {
    if (isTransient(error)) throw error;
    return { launched: false, reason: (error as DomainError).message };
  }
}

export const scheduleIdempotencyKey = (agentId: number, plannedAt: number): string => `schedule:${agentId}:${plannedAt}`;
