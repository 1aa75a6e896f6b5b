// The process runner: one sandboxed node process per container. See README.md.
export type { Isolation, RunEndReason, RunHooks, RunLimits, RunningProcess, RunOutcome, RunRequest, RuntimeRequest } from './types.js';
export type { RunUser } from './run-user.js';
export { startRun, NO_SANDBOX_WARNING, withoutNoSandboxWarning } from './run.js';
export { isolationAvailable } from './sandbox.js';
export { checkIsolation, describeIsolation } from './isolation-check.js';
