import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { boundedInteger, ConfigError, key256, loadConfig, oneOf, withDefault, type LogLevel, type Setting } from '@agentry/config';
import { serviceConfig, serviceSettings, type ObservabilityConfig } from '@agentry/service-kit';
import { accessSync, constants } from 'node:fs';
import { parseCidrList, parseHostPorts, type Cidr } from './process/egress-rules.js';
import { BUILT_IN_IMAGES_DIR, RuntimeImages } from './runs/runtime-images.js';
import { DEFAULT_SCRIPT_WRITE_QUOTAS, type ScriptWriteQuotas } from './runs/script-write-quotas.js';

export const EXECUTOR_CONFIG = Symbol('EXECUTOR_CONFIG');

/** Debian's chromium package's browser itself (/usr/bin/chromium is a shell wrapper reading /etc/chromium.d). */
export const DEFAULT_CHROMIUM = '/usr/lib/chromium/chromium';

/** Kubernetes gives a pod 30 s between SIGTERM and SIGKILL: drain for 25, keep 5 to hand back and disconnect. */
export const DEFAULT_DRAIN_GRACE_MS = 25_000;

export const ISOLATION_MODES = ['auto', 'bubblewrap', 'none'] as const;
export type IsolationMode = (typeof ISOLATION_MODES)[number];

/** Resources every run gets (see apps/executor/src/process/README.md for how each holds). */
export interface RunResourceLimits {
  memoryMb: number;
  maxFileDescriptors: number;
  maxProcesses: number;
  maxOutputBytes: number;
  /** CPU of all the run's processes together, percent of one core. */
  cpuPercent: number;
  /** Run folder + /tmp + what it stores, per run. */
  diskMb: number;
  /** No run's time limit goes beyond this: not the agent's executionTimeLimit, not overrideTimeLimit(). */
  maxTimeLimitSeconds: number;
}

export interface ExecutorConfig {
  databaseUrl: string;
  natsUrl: string;
  /** NATS_STREAM_REPLICAS: copies of each JetStream stream / KV bucket this service creates (default 1; 3 on a three-node cluster). */
  natsStreamReplicas?: number;
  /** Opens the sealed agent credentials / proxy passwords handed to the scripts that have them. */
  secretKey: Buffer;
  /** Scratch: one folder per running container, removed when it ends. */
  workDir: string;
  /** Persistent: `<storageDir>/<orgId>/<agent storage folder>/…`, what scripts save. Shared by every replica. */
  storageDir: string;
  /** auto = bubblewrap, or the executor does not start; none = no sandbox (development), said at start and in every run's output. */
  isolation: IsolationMode;
  /**
   * Address ranges scripts may not reach, beyond the fixed ones (loopback, private, link-local…)
   * and the host's own addresses: e.g. the cluster's pod and service ranges (process/README.md).
   */
  egressDenied: Cidr[];
  /**
   * AGENTRY_EGRESS_HOST_PORTS: TCP ports of this host's loopback a sandboxed script may reach at
   * 10.0.2.2:<port> (a local site or proxy for development and tests); nothing else of the host. Default none.
   */
  egressHostPorts?: number[];
  /** EXECUTOR_RUNTIME_MODULES_DIR: more runtime images (runs/runtime-images.ts), each installed; checked at boot. */
  runtimeModulesDir?: string;
  /** EXECUTOR_CHROMIUM: the Chromium the browser builds launch; default /usr/lib/chromium/chromium when installed, else none. */
  browserExecutable?: string;
  /** The host user scripts run as when the executor is root (never root itself). */
  runUser: { uid: number; gid: number };
  /** Processes this replica runs at once. */
  slots: number;
  /**
   * EXECUTOR_WARM_RUNNERS: sandboxed runtime processes kept started and waiting for a run (process/warm-pool.ts),
   * never more than the free slots; each serves one run. 0 (default): every run is spawned when it starts.
   */
  warmRunners?: number;
  /** Time limit of an agent without `executionTimeLimit`. */
  defaultTimeLimitSeconds: number;
  runLimits: RunResourceLimits;
  /** A running container whose heartbeat is older than this is "executor lost". */
  heartbeatTtlMs: number;
  /** First retry waits this long, each next one twice as long (capped at 10 minutes). */
  retryBackoffMs: number;
  /**
   * On SIGTERM, runs in progress get this long to finish (no new run starts here meanwhile); the rest
   * are stopped and handed back: relaunched at once elsewhere, not counted as a retry. Below the
   * orchestrator's termination grace (Kubernetes: 30 s by default). Default DEFAULT_DRAIN_GRACE_MS.
   */
  drainGraceMs?: number;
  logLevel: LogLevel;
  /** LOG_FORMAT, HEALTH_PORT, HEALTH_HOST (defaults when absent: auto format, no health server). */
  observability?: ObservabilityConfig;
  /** What scripts may write (messages, result objects, objects) per run and per org; DEFAULT_SCRIPT_WRITE_QUOTAS when absent. */
  scriptWrites?: ScriptWriteQuotas;
}

/** A list read by `parse`, which throws saying what is wrong with the text; unset or empty: none. */
const listOf = <T>(parse: (text: string) => T[]): Setting<T[]> => ({
  read(raw, name) {
    try {
      return { value: parse(raw ?? '') };
    } catch (error) {
      return { problem: `${name}: ${(error as Error).message}` };
    }
  },
});

/** A folder of runtime images, every one installed (RuntimeImages.load says what is missing and how to install it); empty: none. */
const runtimeImagesFolder = (): Setting<string | undefined> => ({
  read(raw, name) {
    if (!raw) return { value: undefined };
    const dir = resolve(raw);
    try {
      RuntimeImages.load(BUILT_IN_IMAGES_DIR, dir);
      return { value: dir };
    } catch (error) {
      return { problem: `${name}: ${(error as Error).message.replace(/^EXECUTOR_RUNTIME_MODULES_DIR: /, '')}` };
    }
  },
});

/** Chromium for browser runs: the given executable (must be one), else Debian's where installed. */
const chromium = (): Setting<string | undefined> => ({
  read(raw, name) {
    const path = raw || DEFAULT_CHROMIUM;
    try {
      accessSync(path, constants.X_OK);
      return { value: path };
    } catch {
      return raw
        ? { problem: `${name}: ${raw} is not an executable (install Chromium: apt-get install chromium; its binary is ${DEFAULT_CHROMIUM})` }
        : { value: undefined };
    }
  },
});

/** A folder; relative paths are taken from the current directory. */
const folder = (fallback: string): Setting<string> => ({
  read(raw, name) {
    const value = withDefault(fallback).read(raw, name) as { value: string };
    if (value.value.includes('\0')) return { problem: `${name} is not a valid path` };
    return { value: isAbsolute(value.value) ? value.value : resolve(value.value) };
  },
});

export function loadExecutorConfig(env: Record<string, string | undefined> = process.env): ExecutorConfig {
  const c = loadConfig(
    {
      ...serviceSettings(),
      AGENTRY_SECRET_KEY: key256(),
      AGENTRY_WORK_DIR: folder(join(tmpdir(), 'agentry-work')),
      AGENTRY_STORAGE_DIR: folder('.agentry/storage'),
      AGENTRY_ISOLATION: oneOf(ISOLATION_MODES, 'auto'),
      // Address ranges (`10.96.0.0/12, fd00:10::/64`), separated by commas or spaces.
      AGENTRY_EGRESS_DENY: listOf(parseCidrList),
      // TCP ports (`8080, 3128`).
      AGENTRY_EGRESS_HOST_PORTS: listOf(parseHostPorts),
      EXECUTOR_RUNTIME_MODULES_DIR: runtimeImagesFolder(),
      EXECUTOR_CHROMIUM: chromium(),
      // Node's spawn takes 32-bit signed ids.
      AGENTRY_RUN_UID: boundedInteger(65534, 1, 2_147_483_646),
      AGENTRY_RUN_GID: boundedInteger(65534, 1, 2_147_483_646),
      EXECUTOR_SLOTS: boundedInteger(4, 1, 1000),
      EXECUTOR_WARM_RUNNERS: boundedInteger(0, 0, 1000),
      EXECUTOR_DEFAULT_TIME_LIMIT_SECONDS: boundedInteger(3600, 1, 7 * 86_400, 'of seconds'),
      EXECUTOR_MAX_TIME_LIMIT_SECONDS: boundedInteger(86_400, 1, 7 * 86_400, 'of seconds'),
      EXECUTOR_RUN_MEMORY_MB: boundedInteger(1024, 64, 1024 * 1024, 'of MiB'),
      EXECUTOR_RUN_MAX_FDS: boundedInteger(1024, 32, 1_048_576),
      EXECUTOR_RUN_MAX_PROCESSES: boundedInteger(256, 8, 65_536),
      EXECUTOR_RUN_MAX_OUTPUT_MB: boundedInteger(100, 1, 100_000, 'of MiB'),
      EXECUTOR_RUN_CPU_PERCENT: boundedInteger(100, 1, 100_000, '(percent of one core)'),
      EXECUTOR_RUN_DISK_MB: boundedInteger(1024, 1, 1024 * 1024, 'of MiB'),
      EXECUTOR_HEARTBEAT_TTL_MS: boundedInteger(15_000, 1000, 600_000, 'of milliseconds'),
      EXECUTOR_RETRY_BACKOFF_MS: boundedInteger(30_000, 0, 3_600_000, 'of milliseconds'),
      EXECUTOR_DRAIN_GRACE_MS: boundedInteger(DEFAULT_DRAIN_GRACE_MS, 0, 3_600_000, 'of milliseconds'),
      EXECUTOR_RUN_MAX_MESSAGES: boundedInteger(DEFAULT_SCRIPT_WRITE_QUOTAS.runMaxMessages, 0, 10_000_000),
      EXECUTOR_RUN_MAX_RESULT_OBJECTS: boundedInteger(DEFAULT_SCRIPT_WRITE_QUOTAS.runMaxResultObjects, 0, 10_000_000),
      EXECUTOR_RUN_MAX_OBJECT_WRITES: boundedInteger(DEFAULT_SCRIPT_WRITE_QUOTAS.runMaxObjectWrites, 0, 10_000_000),
      EXECUTOR_RUN_MAX_WRITTEN_MB: boundedInteger(DEFAULT_SCRIPT_WRITE_QUOTAS.runMaxWrittenBytes / 1024 / 1024, 1, 1024 * 1024, 'of MiB'),
      EXECUTOR_ORG_MAX_WRITTEN_MB: boundedInteger(DEFAULT_SCRIPT_WRITE_QUOTAS.orgMaxWrittenBytes / 1024 / 1024, 1, 1024 * 1024 * 1024, 'of MiB'),
      EXECUTOR_ORG_WRITE_WINDOW_HOURS: boundedInteger(DEFAULT_SCRIPT_WRITE_QUOTAS.orgWindowSeconds / 3600, 1, 24 * 366, 'of hours'),
    },
    env,
  );
  if (c.EXECUTOR_DEFAULT_TIME_LIMIT_SECONDS > c.EXECUTOR_MAX_TIME_LIMIT_SECONDS) {
    throw new ConfigError([
      `EXECUTOR_DEFAULT_TIME_LIMIT_SECONDS (${c.EXECUTOR_DEFAULT_TIME_LIMIT_SECONDS}) must not exceed EXECUTOR_MAX_TIME_LIMIT_SECONDS (${c.EXECUTOR_MAX_TIME_LIMIT_SECONDS}), the ceiling of every run's time limit`,
    ]);
  }
  const warmRunnerProblem = warmRunnersProblem(c.EXECUTOR_WARM_RUNNERS, c.EXECUTOR_SLOTS, c.AGENTRY_ISOLATION);
  if (warmRunnerProblem) throw new ConfigError([warmRunnerProblem]);
  return {
    ...serviceConfig(c),
    secretKey: c.AGENTRY_SECRET_KEY,
    workDir: c.AGENTRY_WORK_DIR,
    storageDir: c.AGENTRY_STORAGE_DIR,
    isolation: c.AGENTRY_ISOLATION,
    egressDenied: c.AGENTRY_EGRESS_DENY,
    egressHostPorts: c.AGENTRY_EGRESS_HOST_PORTS,
    runtimeModulesDir: c.EXECUTOR_RUNTIME_MODULES_DIR,
    browserExecutable: c.EXECUTOR_CHROMIUM,
    runUser: { uid: c.AGENTRY_RUN_UID, gid: c.AGENTRY_RUN_GID },
    slots: c.EXECUTOR_SLOTS,
    warmRunners: c.EXECUTOR_WARM_RUNNERS,
    defaultTimeLimitSeconds: c.EXECUTOR_DEFAULT_TIME_LIMIT_SECONDS,
    runLimits: {
      memoryMb: c.EXECUTOR_RUN_MEMORY_MB,
      maxFileDescriptors: c.EXECUTOR_RUN_MAX_FDS,
      maxProcesses: c.EXECUTOR_RUN_MAX_PROCESSES,
      maxOutputBytes: c.EXECUTOR_RUN_MAX_OUTPUT_MB * 1024 * 1024,
      cpuPercent: c.EXECUTOR_RUN_CPU_PERCENT,
      diskMb: c.EXECUTOR_RUN_DISK_MB,
      maxTimeLimitSeconds: c.EXECUTOR_MAX_TIME_LIMIT_SECONDS,
    },
    heartbeatTtlMs: c.EXECUTOR_HEARTBEAT_TTL_MS,
    retryBackoffMs: c.EXECUTOR_RETRY_BACKOFF_MS,
    drainGraceMs: c.EXECUTOR_DRAIN_GRACE_MS,
    scriptWrites: {
      runMaxMessages: c.EXECUTOR_RUN_MAX_MESSAGES,
      runMaxResultObjects: c.EXECUTOR_RUN_MAX_RESULT_OBJECTS,
      runMaxObjectWrites: c.EXECUTOR_RUN_MAX_OBJECT_WRITES,
      runMaxWrittenBytes: c.EXECUTOR_RUN_MAX_WRITTEN_MB * 1024 * 1024,
      orgMaxWrittenBytes: c.EXECUTOR_ORG_MAX_WRITTEN_MB * 1024 * 1024,
      orgWindowSeconds: c.EXECUTOR_ORG_WRITE_WINDOW_HOURS * 3600,
    },
  };
}

/**
 * Warm runners wait for a free slot (more than the slots would never be used), and a sandboxed one
 * gets its run's storage folder by a bind mount into its waiting sandbox, which needs root
 * (process/storage-stage.ts): refused at boot rather than accepted and silently doing nothing.
 */
function warmRunnersProblem(warm: number, slots: number, isolation: IsolationMode): string | null {
  if (warm === 0) return null;
  if (warm > slots) return `EXECUTOR_WARM_RUNNERS (${warm}) must not exceed EXECUTOR_SLOTS (${slots}): a warm runner waits for a free slot`;
  if (isolation !== 'none' && process.getuid?.() !== 0) {
    return `EXECUTOR_WARM_RUNNERS needs the executor to run as root with a sandbox (it binds each run's storage folder into a waiting sandbox): set EXECUTOR_WARM_RUNNERS=0, or run the executor as root`;
  }
  return null;
}

/** A run's time limit: the agent's executionTimeLimit, else the default; never beyond the operator's ceiling. */
export function runTimeLimitSeconds(agentLimit: number | null | undefined, config: Pick<ExecutorConfig, 'defaultTimeLimitSeconds' | 'runLimits'>): number {
  const wanted = agentLimit !== null && agentLimit !== undefined && agentLimit > 0 ? agentLimit : config.defaultTimeLimitSeconds;
  return Math.min(wanted, config.runLimits.maxTimeLimitSeconds);
}
