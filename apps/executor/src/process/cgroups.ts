import { existsSync, readFileSync } from 'node:fs';
import { access, constants, mkdir, readdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { processAlive } from './process-group.js';

/**
 * Per-run control groups: the memory of ALL the run's processes together, their number (pids)
 * and their CPU share, plus a kill that reaches every process of the run — even one that left
 * its process group and its session (setsid + double fork).
 *
 * - cgroup v2 where the executor's own cgroup is a writable, delegated cgroup2 hierarchy with
 *   the memory and pids controllers (typical Kubernetes nodes with a delegated pod cgroup);
 * - else cgroup v1 (memory + pids, and cpu / freezer when mounted), the run's group created
 *   under the executor's own group of each controller (needs root);
 * - else none: the runner falls back to per-process rlimits (see README).
 *
 * Runs are `<own group>/agentry/<executor pid>-<run label>`; `<own group>` is read from
 * /proc/self/cgroup. Groups of an executor that died are swept when the next one starts.
 */
export type CgroupVersion = 'v2' | 'v1';

export interface CgroupLimits {
  memoryMb: number;
  maxProcesses: number;
  /** CPU time per wall-clock time, in percent of one core (100 = one core). */
  cpuPercent: number;
}

export interface RunCgroup {
  readonly version: CgroupVersion;
  /** Moves these processes (each with all its threads) into the run's group. */
  adopt(pids: number[]): Promise<void>;
  /** Pids in the run's group now. */
  pids(): Promise<number[]>;
  /** Times the kernel's OOM killer killed a process of the run. */
  oomKills(): Promise<number>;
  /** Memory the run's processes use now, in bytes. */
  memoryBytes(): Promise<number>;
  /** CPU quota periods in which the run was throttled. */
  throttledPeriods(): Promise<number>;
  /** SIGKILLs every process of the run (frozen first, so none forks meanwhile), waits until none is left, removes the group. */
  destroy(): Promise<void>;
}

export interface Cgroups {
  readonly version: CgroupVersion;
  /** Where run groups are created (for logs). */
  readonly root: string;
  /** A group for one run, named `<this process's pid>-<label>`. */
  create(label: string, limits: CgroupLimits): Promise<RunCgroup>;
  /**
   * Groups left by executors that are gone (a crash, a kill): their processes are killed, the
   * groups removed. Run once at detection; safe beside live executors (their pid is alive).
   */
  sweepOrphans(): Promise<number>;
}

const MOUNT = '/sys/fs/cgroup';
const CPU_PERIOD_US = 100_000;
const POLL_MS = 10;
const EMPTY_WAIT_MS = 5000;

/** v1 controllers: required ones first. */
const V1_REQUIRED = ['memory', 'pids'] as const;
const V1_OPTIONAL = ['cpu', 'freezer'] as const;
type V1Controller = (typeof V1_REQUIRED)[number] | (typeof V1_OPTIONAL)[number];

let detected: Promise<Cgroups | null> | null = null;

/** The cgroups this executor can give runs, detected once; null when neither v2 nor v1 is usable. */
export function detectCgroups(): Promise<Cgroups | null> {
  detected ??= detect().catch(() => null);
  return detected;
}

async function detect(): Promise<Cgroups | null> {
  const own = ownGroups();
  const cgroups = (await cgroupV2(own.get(''))) ?? (await cgroupV1(own));
  await cgroups?.sweepOrphans().catch(() => 0);
  return cgroups;
}

/** Names of run groups under `parent` whose creating process is no longer alive. */
async function orphansIn(parent: string): Promise<string[]> {
  const names = await readdir(parent).catch(() => [] as string[]);
  return names.filter((name) => {
    const match = /^(\d+)-/.exec(name);
    return match !== null && !processAlive(Number(match[1]));
  });
}

/** Kills what is left in a group (its executor is gone: nothing reads that run any more), then removes it. */
async function clearGroup(dir: string): Promise<void> {
  await waitUntil(async () => {
    const left = pidList(await read(join(dir, 'cgroup.procs')));
    killEach(left);
    return left.length === 0;
  }, EMPTY_WAIT_MS);
  await removeGroup(dir);
}

/** /proc/self/cgroup: `hierarchy-id:controllers:path`; v2 is the line with empty controllers. */
function ownGroups(): Map<string, string> {
  const groups = new Map<string, string>();
  for (const line of readFileSync('/proc/self/cgroup', 'utf8').split('\n')) {
    const match = /^\d+:([^:]*):(.*)$/.exec(line);
    if (!match) continue;
    for (const controller of match[1] === '' ? [''] : match[1].split(',')) groups.set(controller.replace(/^name=/, ''), match[2]);
  }
  return groups;
}

const read = (path: string) => readFile(path, 'utf8').catch(() => '');
const writable = (path: string) =>
  access(path, constants.W_OK).then(
    () => true,
    () => false,
  );

/** `key value` lines (memory.events, cpu.stat, memory.oom_control) → the value of `key`. */
function statValue(text: string, key: string): number {
  const match = new RegExp(`^${key} (\\d+)$`, 'm').exec(text);
  return match ? Number(match[1]) : 0;
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  for (const until = Date.now() + timeoutMs; ;) {
    if (await check()) return true;
    if (Date.now() >= until) return false;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

const pidList = (text: string) => text.split('\n').filter(Boolean).map(Number);

function killEach(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}

/** Writes each pid (moving its whole thread group); a pid that is gone meanwhile is no error. */
async function movePids(procsFile: string, pids: number[]): Promise<void> {
  for (const pid of pids) {
    await writeFile(procsFile, String(pid)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ESRCH') throw error;
    });
  }
}

/**
 * rmdir of an emptied group: killed processes count until their parent has reaped them (the
 * sandbox's init is killed too, so the host's init reaps them, in its own time): retry a while.
 */
async function removeGroup(dir: string): Promise<void> {
  await waitUntil(
    () =>
      rmdir(dir).then(
        () => true,
        (error: NodeJS.ErrnoException) => error.code === 'ENOENT',
      ),
    EMPTY_WAIT_MS,
  );
}

// ---- v2 ----

async function cgroupV2(ownPath: string | undefined): Promise<Cgroups | null> {
  if (ownPath === undefined) return null;
  const mount = existsSync(join(MOUNT, 'cgroup.controllers')) ? MOUNT : null;
  if (!mount) return null;
  const own = join(mount, ownPath);
  const available = (await read(join(own, 'cgroup.controllers'))).trim().split(/\s+/);
  if (!available.includes('memory') || !available.includes('pids')) return null;
  if (!(await writable(join(own, 'cgroup.subtree_control'))) || !(await writable(join(own, 'cgroup.procs')))) return null;
  const controllers = ['memory', 'pids', ...(available.includes('cpu') ? ['cpu'] : [])];
  const enable = controllers.map((c) => `+${c}`).join(' ');
  // No internal processes: a v2 group that hands controllers to its children holds no process
  // itself (the host's root group excepted). When the kernel says so (EBUSY), the processes of the
  // executor's group (in a container: the container's) move to a leaf beside the runs' parent.
  await writeFile(join(own, 'cgroup.subtree_control'), enable).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EBUSY') throw error;
    const executorLeaf = join(own, 'agentry-executor');
    await mkdir(executorLeaf, { recursive: true });
    await movePids(join(executorLeaf, 'cgroup.procs'), pidList(await read(join(own, 'cgroup.procs'))));
    await writeFile(join(own, 'cgroup.subtree_control'), enable);
  });
  const root = join(own, 'agentry');
  await mkdir(root, { recursive: true });
  await writeFile(join(root, 'cgroup.subtree_control'), enable);
  return {
    version: 'v2',
    root,
    async sweepOrphans() {
      const orphans = await orphansIn(root);
      for (const name of orphans) await clearGroup(join(root, name));
      return orphans.length;
    },
    async create(label, limits) {
      const dir = join(root, `${process.pid}-${label}`);
      await mkdir(dir);
      await writeFile(join(dir, 'memory.max'), String(limits.memoryMb * 1024 * 1024));
      await writeFile(join(dir, 'memory.swap.max'), '0').catch(() => undefined);
      await writeFile(join(dir, 'pids.max'), String(limits.maxProcesses));
      if (controllers.includes('cpu')) await writeFile(join(dir, 'cpu.max'), `${Math.round((limits.cpuPercent / 100) * CPU_PERIOD_US)} ${CPU_PERIOD_US}`);
      const procs = join(dir, 'cgroup.procs');
      const pids = async () => pidList(await read(procs));
      return {
        version: 'v2',
        adopt: (list) => movePids(procs, list),
        pids,
        oomKills: async () => statValue(await read(join(dir, 'memory.events')), 'oom_kill'),
        memoryBytes: async () => Number((await read(join(dir, 'memory.current'))).trim()) || 0,
        throttledPeriods: async () => statValue(await read(join(dir, 'cpu.stat')), 'nr_throttled'),
        async destroy() {
          // cgroup.kill (Linux 5.14+) kills every process of the group atomically, forks included.
          if (existsSync(join(dir, 'cgroup.kill'))) await writeFile(join(dir, 'cgroup.kill'), '1').catch(() => undefined);
          await waitUntil(async () => {
            const left = await pids();
            killEach(left);
            return left.length === 0;
          }, EMPTY_WAIT_MS);
          await removeGroup(dir);
        },
      };
    },
  };
}

// ---- v1 ----

async function cgroupV1(own: Map<string, string>): Promise<Cgroups | null> {
  const parents = new Map<V1Controller, string>();
  for (const controller of [...V1_REQUIRED, ...V1_OPTIONAL]) {
    const ownPath = own.get(controller);
    const mount = join(MOUNT, controller);
    if (ownPath === undefined || !existsSync(join(mount, 'cgroup.procs'))) continue;
    const parent = join(mount, ownPath, 'agentry');
    try {
      await mkdir(parent, { recursive: true });
      if (!(await writable(parent))) continue;
    } catch {
      continue;
    }
    parents.set(controller, parent);
  }
  if (!V1_REQUIRED.every((controller) => parents.has(controller))) return null;
  // Memory accounting of the group's children (always on in recent kernels; older ones need it asked).
  await writeFile(join(parents.get('memory')!, 'memory.use_hierarchy'), '1').catch(() => undefined);
  return {
    version: 'v1',
    root: parents.get('memory')!,
    async sweepOrphans() {
      let swept = 0;
      // The same run groups under every controller; the processes go with the first clear.
      for (const parent of parents.values()) {
        const orphans = await orphansIn(parent);
        for (const name of orphans) await clearGroup(join(parent, name));
        swept = Math.max(swept, orphans.length);
      }
      return swept;
    },
    async create(label, limits) {
      const name = `${process.pid}-${label}`;
      const dirs = new Map<V1Controller, string>();
      try {
        for (const [controller, parent] of parents) {
          const dir = join(parent, name);
          await mkdir(dir);
          dirs.set(controller, dir);
        }
        const memory = dirs.get('memory')!;
        const bytes = String(limits.memoryMb * 1024 * 1024);
        await writeFile(join(memory, 'memory.limit_in_bytes'), bytes);
        // With swap accounting, memory + swap gets the same cap: swapping does not lift it.
        await writeFile(join(memory, 'memory.memsw.limit_in_bytes'), bytes).catch(() => undefined);
        await writeFile(join(dirs.get('pids')!, 'pids.max'), String(limits.maxProcesses));
        const cpu = dirs.get('cpu');
        if (cpu) {
          await writeFile(join(cpu, 'cpu.cfs_period_us'), String(CPU_PERIOD_US));
          await writeFile(join(cpu, 'cpu.cfs_quota_us'), String(Math.round((limits.cpuPercent / 100) * CPU_PERIOD_US)));
        }
      } catch (error) {
        for (const dir of dirs.values()) await rmdir(dir).catch(() => undefined);
        throw error;
      }
      // Every controller's group holds the same processes; the pids controller's list is the reference.
      const pids = async () => pidList(await read(join(dirs.get('pids')!, 'cgroup.procs')));
      const freezer = dirs.get('freezer');
      const setFreezer = (state: 'FROZEN' | 'THAWED') => writeFile(join(freezer!, 'freezer.state'), state).catch(() => undefined);
      return {
        version: 'v1',
        async adopt(list) {
          for (const dir of dirs.values()) await movePids(join(dir, 'cgroup.procs'), list);
        },
        pids,
        oomKills: async () => statValue(await read(join(dirs.get('memory')!, 'memory.oom_control')), 'oom_kill'),
        memoryBytes: async () => Number((await read(join(dirs.get('memory')!, 'memory.usage_in_bytes'))).trim()) || 0,
        throttledPeriods: async () => (cpu() ? statValue(await read(join(cpu()!, 'cpu.stat')), 'nr_throttled') : 0),
        async destroy() {
          // Frozen, no process of the run can fork between the read of the list and the kills;
          // SIGKILL is delivered to frozen tasks once they are thawed. Without a freezer, kill
          // until the list stays empty (pids.max bounds how many a fork bomb can make per round).
          if (freezer) {
            await setFreezer('FROZEN');
            await waitUntil(async () => (await read(join(freezer, 'freezer.state'))).trim() !== 'FREEZING', 1000);
          }
          killEach(await pids());
          if (freezer) await setFreezer('THAWED');
          await waitUntil(async () => {
            const left = await pids();
            killEach(left);
            return left.length === 0;
          }, EMPTY_WAIT_MS);
          for (const dir of dirs.values()) await removeGroup(dir);
        },
      };
      function cpu() {
        return dirs.get('cpu');
      }
    },
  };
}
