// The process runner: one sandboxed node process per container. See README.md.
export type { Isolation, RunEndReason, RunHooks, RunLimits, RunningProcess, RunOutcome, RunRequest, RuntimeRequest } from './types.js';
export { startRun } from './run.js';
export { isolationAvailable } from './sandbox.js';
