import {
  COFFEESCRIPT_NOT_RUNNABLE,
  ContainerEventType,
  DomainError,
  ErrorCode,
  isRunnableScriptName,
  type ActorRef,
  type AgentLaunchSnapshot,
} from '@agentry/contracts';
import { messageEvent, type ContainerEvent } from './container-event.js';
import type { LaunchRequest } from './launch-request.js';
import { END_MESSAGES } from './lifecycle-messages.js';

export interface LaunchFacts {
  containerId: number;
  /** The version the container runs with (the one saveArgument just wrote, if any). */
  versionId: string;
  /** JSON text, see `effectiveArgument`. */
  argument: string;
  launchedBy: ActorRef;
  now: number;
}

export interface LaunchDecision {
  events: ContainerEvent[];
  /** False when the container ended at once (no script): nothing goes to the queue. */
  runnable: boolean;
}

/** `maxInstanceCount` (v2): no launch while that many of the agent's instances are already queued or running. */
export function assertInstanceLimit(req: LaunchRequest, liveInstances: number): void {
  if (req.maxInstanceCount === null || liveInstances < req.maxInstanceCount) return;
  throw new DomainError(
    ErrorCode.INVALID_STATE,
    `Agent ${req.agentId} already has ${liveInstances} running or queued instance(s) (maxInstanceCount ${req.maxInstanceCount})`,
  );
}

/**
 * Why the version's script cannot run, or null when it can: no script, or a `.coffee` one (stored
 * for the clients that upload them, but the runtime is Node only; running CoffeeScript as
 * JavaScript would fail with a misleading syntax error).
 */
export function unrunnableScriptReason(script: AgentLaunchSnapshot['script']): string | null {
  if (!script) return END_MESSAGES.noScript;
  return isRunnableScriptName(script.name) ? null : COFFEESCRIPT_NOT_RUNNABLE;
}

/**
 * A launch records a queued container. An agent whose script cannot run (none, or `.coffee`) is
 * still recorded, and fails at once with the reason ("launch failed" in v1), like the classic
 * platform did.
 */
export function decideLaunch(req: LaunchRequest, snapshot: AgentLaunchSnapshot, facts: LaunchFacts): LaunchDecision {
  const { agent, version } = snapshot;
  const ids = { containerId: facts.containerId, agentId: agent.id };
  const events: ContainerEvent[] = [
    {
      type: ContainerEventType.ContainerQueued,
      data: {
        ...ids,
        orgId: agent.orgId,
        launchType: req.launchType,
        agentVersionId: facts.versionId,
        queuedAt: facts.now,
        argument: facts.argument,
        bonusArgument: req.bonusArgument ? JSON.stringify(req.bonusArgument) : null,
        retryNumber: 0,
        retryOfContainerId: null,
        notBefore: req.notBefore,
        maxParallelism: version.settings.maxParallelism ?? 1,
        launchedBy: facts.launchedBy,
        idempotencyKey: req.idempotencyKey,
        userCustomMetadata: req.userCustomMetadata,
        internalMetadata: req.internalMetadata,
      },
    },
  ];
  const failure = unrunnableScriptReason(snapshot.script);
  if (failure === null) return { events, runnable: true };
  events.push(messageEvent(ids, 1, failure, 'error', facts.now), {
    type: ContainerEventType.ContainerEnded,
    data: { ...ids, status: 'failed', endType: 'unknown', exitCode: null, endMessage: failure, endedAt: facts.now, launchFailed: true },
  });
  return { events, runnable: false };
}
