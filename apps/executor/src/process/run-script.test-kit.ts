import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRun, withoutNoSandboxWarning } from './run.js';
import { isolationAvailable } from './sandbox.js';
import type { RunHooks, RunLimits, RunningProcess, RunOutcome, RunRequest, RuntimeRequest } from './types.js';
import { WarmPool } from './warm-pool.js';

export type TestIsolation = 'none' | 'bubblewrap';

/** Both isolation paths where bubblewrap works here; 'none' alone otherwise (jest shows the skipped ones). */
export const bubblewrapUsable = (await isolationAvailable()) === 'bubblewrap';

/**
 * How the kit's runs start: spawned for the run (cold), or on a warm runner (warm-pool.ts) spawned
 * before the run was known. Sandboxed warm runners need a root executor (storage-stage.ts).
 */
export type RunnerMode = 'cold' | 'warm';
export const runnerModes: RunnerMode[] = process.getuid?.() === 0 ? ['cold', 'warm'] : ['cold'];
let runnerMode: RunnerMode = 'cold';

/** Inside a describe: its runs start in `mode` (beforeAll); back to cold and every warm pool closed after it. */
export function useRunner(mode: RunnerMode): void {
  beforeAll(() => {
    runnerMode = mode;
  });
  afterAll(async () => {
    runnerMode = 'cold';
    await closeWarmPools();
  });
}

/** One pool per spawn-time shape (workRoot, isolation, network, limits…); a new shape closes the others. */
const pools = new Map<string, { pool: WarmPool; problems: string[] }>();
const closing: Promise<void>[] = [];
/** The warm runs' work root when a test gives none (a pool's work root is fixed). */
let warmScratch: ReturnType<typeof scratch> | null = null;

async function closeWarmPoolsOn(workRoot: string): Promise<void> {
  for (const [key, { pool }] of pools) {
    if (JSON.parse(key).workRoot !== workRoot) continue;
    pools.delete(key);
    await pool.close();
  }
}

export async function closeWarmPools(): Promise<void> {
  for (const { pool } of pools.values()) closing.push(pool.close());
  pools.clear();
  await Promise.all(closing.splice(0));
  warmScratch?.cleanup();
  warmScratch = null;
}

/**
 * Starts the run on a warm runner of its own shape, made and waited for first: every warm-mode run
 * really is on a runner spawned before it was known (else this throws).
 */
export async function startOnWarmRunner(req: RunRequest, hooks: RunHooks): Promise<RunningProcess> {
  const { memoryMb, maxFileDescriptors, maxProcesses, cpuPercent, diskMb } = req.limits;
  const shape = {
    workRoot: req.workRoot,
    isolation: req.isolation,
    runUser: req.runUser,
    network: req.network,
    egressDenied: req.egressDenied,
    egressHostPorts: req.egressHostPorts,
    image: req.image,
    limits: { memoryMb, maxFileDescriptors, maxProcesses, cpuPercent, diskMb },
  };
  const key = JSON.stringify(shape);
  let entry = pools.get(key);
  if (!entry) {
    for (const other of pools.values()) closing.push(other.pool.close());
    pools.clear();
    const problems: string[] = [];
    entry = { pool: new WarmPool({ size: 1, maxRuns: 16, shape, onProblem: (problem) => problems.push(problem) }), problems };
    pools.set(key, entry);
    await entry.pool.start();
  }
  const { pool, problems } = entry;
  for (const until = Date.now() + 60_000; pool.idleCount === 0;) {
    if (problems.length) throw new Error(problems.join('\n'));
    if (Date.now() > until) throw new Error('no warm runner became ready in 60 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const before = pool.handedOut;
  const running = await pool.startRun(req, hooks);
  if (running.pid !== 0 && pool.handedOut !== before + 1) throw new Error('the run was spawned cold: no warm runner was handed to it');
  return running;
}

export const DEFAULT_LIMITS: RunLimits = {
  timeLimitSeconds: 60,
  maxTimeLimitSeconds: 600,
  memoryMb: 256,
  maxFileDescriptors: 256,
  maxProcesses: 128,
  cpuPercent: 100,
  diskMb: 256,
};

export interface ScriptResult {
  outcome: RunOutcome;
  /** What the script printed (the `none` mode warning line taken off; see rawOutput). */
  output: Buffer;
  /** Every byte the runner delivered. */
  rawOutput: Buffer;
  requests: RuntimeRequest[];
  /** Every onOutput call was at the offset right after the previous chunk. */
  contiguous: boolean;
}

export interface ScriptRun {
  containerId: number;
  running: RunningProcess;
  /** Output received so far. */
  output(): Buffer;
  result: Promise<ScriptResult>;
}

export interface ScriptOptions extends Partial<Omit<RunRequest, 'limits'>> {
  limits?: Partial<RunLimits>;
  onRequest?: RunHooks['onRequest'];
  /** Called with each chunk as it arrives. */
  onOutput?: (text: string) => void;
  /** false: count the output without keeping it (scripts that write gigabytes). */
  keepOutput?: boolean;
  /** Start it through this pool (warm when its shape fits, else cold) instead of the kit's mode. */
  pool?: WarmPool;
}

let nextContainerId = 1;

/**
 * A scratch folder (work root + storage) removed by `cleanup()`. Like the executor's folders, the
 * run user may pass through them (mode 0711: not list them); what it may write is its own run folder.
 */
export function scratch(): { root: string; workRoot: string; storageDir: string; cleanup(): void } {
  const root = mkdtempSync(join(tmpdir(), 'agentry-runner-test-'));
  chmodSync(root, 0o711);
  const workRoot = join(root, 'work');
  const storageDir = join(root, 'storage');
  for (const dir of [workRoot, storageDir]) mkdirSync(dir, { mode: 0o711 });
  return { root, workRoot, storageDir, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export async function startScript(isolation: TestIsolation, scriptText: string, options: ScriptOptions = {}): Promise<ScriptRun> {
  const { limits, onRequest, onOutput, keepOutput = true, pool, ...rest } = options;
  const containerId = rest.containerId ?? nextContainerId++;
  const folders = rest.workRoot && rest.storageDir ? null : scratch();
  if (folders && runnerMode === 'warm' && !pool) warmScratch ??= scratch();
  const chunks: Buffer[] = [];
  const requests: RuntimeRequest[] = [];
  let expected = 0;
  let contiguous = true;
  const start = pool ? pool.startRun.bind(pool) : runnerMode === 'warm' ? startOnWarmRunner : startRun;
  const running = await start(
    {
      containerId,
      agentId: 7,
      orgId: 3,
      scriptName: 'script.js',
      scriptText,
      argument: {},
      env: {},
      workRoot: (folders && warmScratch?.workRoot) || (folders?.workRoot ?? rest.workRoot!),
      storageDir: folders?.storageDir ?? rest.storageDir!,
      retryNumber: 0,
      isolation,
      // The sandbox's network is its own concern (sandbox.test.ts, egress tests): off unless asked.
      network: 'none',
      ...rest,
      limits: { ...DEFAULT_LIMITS, ...limits },
    },
    {
      onOutput(offset, chunk) {
        if (offset !== expected) contiguous = false;
        expected = offset + chunk.length;
        if (keepOutput) chunks.push(Buffer.from(chunk));
        onOutput?.(chunk.toString('utf8'));
      },
      async onRequest(req) {
        requests.push(req);
        return onRequest ? onRequest(req) : null;
      },
    },
  );
  const result = running.outcome.then(async (outcome) => {
    // A test's own work root goes when the test is over: its pool (and the stages mounted in it) first.
    if (runnerMode === 'warm' && !folders && !pool) await closeWarmPoolsOn(rest.workRoot!);
    folders?.cleanup();
    const rawOutput = Buffer.concat(chunks);
    return { outcome, output: withoutNoSandboxWarning(rawOutput), rawOutput, requests, contiguous };
  });
  return { containerId, running, output: () => withoutNoSandboxWarning(Buffer.concat(chunks)), result };
}

export async function runScript(isolation: TestIsolation, scriptText: string, options: ScriptOptions = {}): Promise<ScriptResult> {
  return (await startScript(isolation, scriptText, options)).result;
}

/** Resolves once the output contains `text`. */
export function outputContains(run: ScriptRun, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const poll = setInterval(() => {
      if (run.output().includes(text)) done(resolve);
    }, 10);
    run.result.then(() => done(() => (run.output().includes(text) ? resolve() : reject(new Error(`run ended without printing "${text}":\n${run.output()}`)))));
    function done(then: () => void) {
      clearInterval(poll);
      then();
    }
  });
}

/** Live (non-zombie) host processes whose command line contains `marker`. */
export function processesWith(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}
