import type { AgentLaunchSnapshot, AgentSettings } from '@agentry/contracts';
import type { ContainerState } from './container.js';

/** An agent launch snapshot with only what the decisions read. */
export function snapshotOf(opts: { settings?: Partial<AgentSettings>; script?: boolean; active?: number; pending?: number } = {}): AgentLaunchSnapshot {
  const counts = { active: opts.active ?? 0, pending: opts.pending ?? 0, complete: 0, failed: 0, cancelled: 0, finished: 0, total: 0 };
  return {
    agent: { id: 7, orgId: 3, instanceCounts: counts } as AgentLaunchSnapshot['agent'],
    version: {
      versionId: 'v-1',
      versionNumber: 1,
      settings: { argument: null, maxParallelism: null, maxRetryNumber: null, executionTimeLimit: null, ...opts.settings } as AgentSettings,
      secrets: { proxyPassword: null, credentials: null },
    },
    script: opts.script === false ? null : { id: 5, name: 's.js', text: 'console.log(1)' },
    org: { maxRunningContainers: 10 },
    dependencies: { libraries: [], problem: null },
  };
}

export function queuedState(overrides: Partial<ContainerState['queued']> = {}, rest: Partial<ContainerState> = {}): ContainerState {
  return {
    queued: {
      containerId: 100,
      agentId: 7,
      orgId: 3,
      launchType: 'manual',
      agentVersionId: 'v-1',
      queuedAt: 1000,
      argument: '{}',
      retryNumber: 0,
      retryOfContainerId: null,
      maxParallelism: 1,
      launchedBy: { userId: 1, keyId: 2 },
      ...overrides,
    },
    phase: 'queued',
    started: null,
    ended: null,
    abort: null,
    messageCount: 0,
    ...rest,
  };
}
