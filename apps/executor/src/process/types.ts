import type { Cidr } from './egress-rules.js';
import type { RunUser } from './run-user.js';

export interface RunLimits {
  /** Wall-clock seconds; null = the ceiling. The script may move it with overrideTimeLimit(), within (0, ceiling]. */
  timeLimitSeconds: number | null;
  /** The operator's ceiling on a run's time limit: no agent setting nor overrideTimeLimit() goes beyond it. */
  maxTimeLimitSeconds: number;
  /**
   * All the run's processes together (cgroup), and the V8 heap (~3/4) of each; without cgroups,
   * the OS data-segment limit of each process instead (see README).
   */
  memoryMb: number;
  /** RLIMIT_NOFILE of every process of the run. */
  maxFileDescriptors: number;
  /** Processes and threads of the run together (cgroup pids), and RLIMIT_NPROC inside the sandbox; see README. */
  maxProcesses: number;
  /** CPU time of the run's processes together, in percent of one core (cgroup CPU quota; 100 = one core). */
  cpuPercent: number;
  /** Bytes in the run folder (+ /tmp) and written to storage during the run; over it the run stops ('disk-limit'). Each file is also capped at this size (RLIMIT_FSIZE). */
  diskMb: number;
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
  /**
   * The org's `lib-*` scripts the script's header names: each written as `node_modules/lib-X/index.js`
   * in the run folder, so `require('lib-X')` and `import 'lib-X'` find it. A problem (one missing…)
   * fails the run before it starts, with the problem as its console line. Absent: none.
   */
  dependencies?: { libraries: { name: string; text: string }[]; problem: string | null };
  /** Parsed JSON given to the script as buster.argument. */
  argument: unknown;
  /** The ONLY environment the script gets, plus PATH/HOME/LANG/TMPDIR (and the proxy's, see run-proxy.ts) set by the runner. */
  env: Record<string, string>;
  /** The runner creates `<workRoot>/<containerId>` and removes it after; it also keeps shared files in workRoot. */
  workRoot: string;
  /** The agent's persistent storage folder for save*() (fileMgmt applied by the caller). */
  storageDir: string;
  limits: RunLimits;
  retryNumber: number;
  /** buster.maxRetries: how many automatic retries the agent allows after a failed run (its maxRetryNumber, 0 when none). */
  maxRetries?: number;
  /**
   * bubblewrap (auto: the same — a sandbox or no run at all; the executor refuses to start
   * without one unless told 'none'), or none: no sandbox, and the run's output says so first.
   */
  isolation: 'auto' | 'bubblewrap' | 'none';
  /** The host user the run's processes get when the executor is root (default nobody, 65534); ignored otherwise. */
  runUser?: RunUser;
  /**
   * The sandbox's network (bubblewrap only; without a sandbox the script shares the executor's):
   * 'internet' = outbound through slirp4netns, the host's loopback unreachable; 'none' = no
   * network at all; 'auto' (default) = internet when slirp4netns is installed, else none.
   */
  network?: 'auto' | 'internet' | 'none';
  /** Ranges the script may not reach beyond the fixed ones and the host's addresses (egress-rules.ts): AGENTRY_EGRESS_DENY. */
  egressDenied?: Cidr[];
  /**
   * TCP ports of the executor host's loopback a sandboxed script may reach at 10.0.2.2:<port>
   * (AGENTRY_EGRESS_HOST_PORTS: a local site or proxy); nothing else of the host. Empty: none.
   */
  egressHostPorts?: number[];
  /**
   * The runtime image the script picked (`runs/runtime-images.ts`): its `node_modules` folder on
   * this host and the modules a script may require by name from it. Mounted read-only (at
   * /opt/agentry/modules in the sandbox) and linked from the run folder's `node_modules`, so
   * `require` and `import` find them; `puppeteer` and `playwright` resolve to the runtime's
   * builds wired to `browser`. Absent: only Node's built-ins and the runtime.
   */
  image?: { name: string; modulesDir: string; modules: string[] };
  /** Why the image the script's header asks for cannot be given (none such here): the run fails before it starts, this as its console line. */
  imageProblem?: string | null;
  /** The system Chromium the browser builds launch (the image's `puppeteer` / `playwright`); absent: none. */
  browserExecutable?: string;
  /** buster.proxyAddress ('' when absent); also HTTP(S)_PROXY/ALL_PROXY. Must pass the egress rules, or the run fails to start. */
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
  | { kind: 'setAgentObject'; agentId?: number; agentObject: string }
  | { kind: 'getGlobalObject' }
  | { kind: 'setGlobalObject'; globalObject: string }
  | { kind: 'overrideTimeLimit'; seconds: number }
  | { kind: 'saved'; path: string }
  /** `mail(subject, text, to?)` / `notify(message)`: forwarded to the notifier (runs/script-notifications.ts). */
  | { kind: 'mail'; subject: string; text: string; to: string | null }
  | { kind: 'notify'; text: string };

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

/** memory-limit: the kernel killed a process of the run on its cgroup's memory cap; disk-limit: the run wrote more than diskMb. */
export type RunEndReason = 'exited' | 'time-limit' | 'aborted' | 'output-limit' | 'memory-limit' | 'disk-limit' | 'spawn-failed';

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
