export interface RunLimits {
  /** Wall-clock seconds; null = no limit. The script may move it with overrideTimeLimit(). */
  timeLimitSeconds: number | null;
  /** V8 heap (~3/4) and the OS data-segment limit of every process of the run. */
  memoryMb: number;
  /** RLIMIT_NOFILE of every process of the run. */
  maxFileDescriptors: number;
  /** RLIMIT_NPROC inside the sandbox (threads count too); see README for when it applies. */
  maxProcesses: number;
  /** Console bytes beyond this stop the run (reason 'output-limit'); absent = unlimited. */
  maxOutputBytes?: number;
}

export interface RunRequest {
  containerId: number;
  agentId: number;
  orgId: number;
  /** Written into the container's working folder: `.mjs` runs as an ES module, anything else as `node` decides. */
  scriptName: string;
  scriptText: string;
  /** Parsed JSON given to the script as buster.argument. */
  argument: unknown;
  /** The ONLY environment the script gets, plus PATH/HOME/LANG/TMPDIR set by the runner. */
  env: Record<string, string>;
  /** The runner creates `<workRoot>/<containerId>` and removes it after; it also keeps shared files in workRoot. */
  workRoot: string;
  /** The agent's persistent storage folder for save*() (fileMgmt applied by the caller). */
  storageDir: string;
  limits: RunLimits;
  retryNumber: number;
  /** auto = bubblewrap when usable here, else none. */
  isolation: 'auto' | 'bubblewrap' | 'none';
  /**
   * The sandbox's network (bubblewrap only; without a sandbox the script shares the executor's):
   * 'internet' = outbound through slirp4netns, the host's loopback unreachable; 'none' = no
   * network at all; 'auto' (default) = internet when slirp4netns is installed, else none.
   */
  network?: 'auto' | 'internet' | 'none';
  /** buster.proxyAddress ('' when absent). */
  proxyAddress?: string;
  /** buster.apiKey (null when absent). */
  apiKey?: string | null;
}

/** What the script asks over its private channel. */
export type RuntimeRequest =
  | { kind: 'setResultObject'; resultObject: string }
  | { kind: 'progressHint'; progress: number; label: string | null }
  | { kind: 'message'; text: string; type: string }
  | { kind: 'getAgentObject'; agentId?: number }
  | { kind: 'setAgentObject'; agentObject: string }
  | { kind: 'getGlobalObject' }
  | { kind: 'setGlobalObject'; globalObject: string }
  | { kind: 'overrideTimeLimit'; seconds: number }
  | { kind: 'saved'; path: string };

export interface RunHooks {
  /** stdout+stderr bytes in arrival order, offsets contiguous from 0. */
  onOutput(offset: number, chunk: Buffer): void;
  /**
   * The answer becomes the script-side promise value; a throw becomes its rejection.
   * getAgentObject / getGlobalObject answer the object's JSON text (or null); saved may answer
   * the file's URL (otherwise the script gets `/api/v1/agent/<agentId>/storage/<path>`).
   * progressHint's answer is ignored; overrideTimeLimit is applied by the runner before the hook hears it.
   */
  onRequest(req: RuntimeRequest): Promise<unknown>;
}

export type RunEndReason = 'exited' | 'time-limit' | 'aborted' | 'output-limit' | 'spawn-failed';

export interface RunOutcome {
  exitCode: number | null;
  signal: string | null;
  reason: RunEndReason;
  durationMs: number;
  outputLength: number;
  /** Why the run could not start (reason 'spawn-failed'). */
  error?: string;
}

export interface RunningProcess {
  /** 0 when the process could not be spawned. */
  pid: number;
  readonly outcome: Promise<RunOutcome>;
  /** Hard: SIGKILL the whole group now. Soft: getTimeLeft() → -1, SIGTERM, SIGKILL after graceMs (default 1500). */
  abort(opts?: { soft?: boolean; graceMs?: number }): void;
  /** Whole seconds left before the time limit; null without one. */
  timeLeftSeconds(): number | null;
}

export type Isolation = 'bubblewrap' | 'none';
export type SandboxNetwork = 'internet' | 'none';
