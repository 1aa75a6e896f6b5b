// The process runner: one sandboxed node process per container (spawned for it, or a warm runner). See README.md.
export type { Isolation, RunEndReason, RunHooks, RunLimits, RunningProcess, RunOutcome, RunRequest, RuntimeRequest } from './types.js';
export type { RunUser } from './run-user.js';
export { startRun, NO_SANDBOX_WARNING, withoutNoSandboxWarning } from './run.js';
export { isolationAvailable } from './sandbox.js';
export { WarmPool, type WarmShape } from './warm-pool.js';
export { checkIsolation, describeIsolation } from './isolation-check.js';
