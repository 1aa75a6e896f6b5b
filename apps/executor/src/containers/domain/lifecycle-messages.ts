import type { ContainerLaunchType } from '@agentry/contracts';

/** The v1 API's lifecycle messages and end messages, in one place. */
export const END_MESSAGES = {
  success: 'Agent finished (success)',
  error: 'Agent finished (error)',
  timeLimit: 'Execution time limit reached',
  aborted: 'Agent aborted',
  outputLimit: 'Console output limit reached',
  memoryLimit: 'Memory limit reached',
  diskLimit: 'Disk limit reached',
  spawnFailed: 'Agent could not be started',
  executorLost: 'Executor lost',
  executorStopped: 'Executor stopped',
  noScript: 'Agent has no associated script',
} as const;

export const STARTED_MESSAGE = 'Agent started';

/** "Agent started" context: `["Launch type: manual", "Execution time limit: 60s"]`. */
export function startedContext(launchType: ContainerLaunchType, timeLimitSeconds: number | null): string[] {
  return [`Launch type: ${launchType}`, `Execution time limit: ${timeLimitSeconds === null ? 'none' : `${timeLimitSeconds}s`}`];
}
