import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRun, withoutNoSandboxWarning } from './run.js';
import { isolationAvailable } from './sandbox.js';
import type { RunHooks, RunLimits, RunningProcess, RunOutcome, RunRequest, RuntimeRequest } from './types.js';

export type TestIsolation = 'none' | 'bubblewrap';

/** Both isolation paths where bubblewrap works here; 'none' alone otherwise (jest shows the skipped ones). */
export const bubblewrapUsable = (await isolationAvailable()) === 'bubblewrap';

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
  const { limits, onRequest, onOutput, keepOutput = true, ...rest } = options;
  const containerId = rest.containerId ?? nextContainerId++;
  const folders = rest.workRoot && rest.storageDir ? null : scratch();
  const chunks: Buffer[] = [];
  const requests: RuntimeRequest[] = [];
  let expected = 0;
  let contiguous = true;
  const running = await startRun(
    {
      containerId,
      agentId: 7,
      orgId: 3,
      scriptName: 'script.js',
      scriptText,
      argument: {},
      env: {},
      workRoot: folders?.workRoot ?? rest.workRoot!,
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
  const result = running.outcome.then((outcome) => {
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
