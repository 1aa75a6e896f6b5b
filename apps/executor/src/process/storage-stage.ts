import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, constants, openSync } from 'node:fs';
import { chmod, mkdir, readdir, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { findExecutable } from './executables.js';
import { processAlive } from './process-group.js';

/** How long a released stage waits for others to be unmounted with (one umount for all). */
const UNMOUNT_BATCH_MS = 500;

/**
 * How a warm runner's sandbox gets its run's storage folder, known only once the run is assigned
 * (warm-pool.ts). bwrap binds a per-runner stage folder at /storage when the runner is spawned; the
 * stages live in a folder the executor bind-mounts onto itself as a **shared** mount. A sandbox's
 * mount namespace is made in a less privileged user namespace, so its copy of the stage is a
 * *slave* of that shared mount: a mount made on the host at the stage propagates into the sandbox
 * at /storage — and nothing propagates back out. At assignment the executor binds the agent's
 * storage folder onto the stage; at the end it unmounts it (the sandbox is gone by then).
 *
 * - Root only (mount(8) in the host's mount namespace): an executor that is not root cannot pool
 *   sandboxed runners (config.ts refuses EXECUTOR_WARM_RUNNERS then).
 * - The storage folder is opened with O_NOFOLLOW and bound through /proc/self/fd/3 with
 *   `--no-canonicalize`: a link a script planted where the folder goes is refused, never followed
 *   (the cold path's giveToRunUser checks the same, hostile.test.ts).
 * - Stages are only ever rmdir'ed, never removed recursively: a stage still holding an agent's
 *   folder (an unmount that failed) stays, rather than the agent's files being deleted through it.
 * - `<workRoot>/.warm-storage/<executor pid>-<random>`: stages of an executor that died are unmounted and
 *   removed by the next one to open its stages on the same work root.
 * - A released stage (its sandbox gone) is unmounted with the others released within UNMOUNT_BATCH_MS, by
 *   one umount(8): each umount is a fork of the executor, whose cost grows with the executor's size
 *   (`bench/launch/spawn-baseline.mjs --fork-cost`: 0.6 ms at 54 MiB, 5 ms at 257 MiB), and a warm run
 *   already pays one for its mount. Meanwhile the agent's folder stays bound on a stage no sandbox has.
 */
export class StorageStages {
  /** Released stages waiting for the next batched unmount. */
  private pending: string[] = [];
  private batchTimer: NodeJS.Timeout | undefined;
  private unmounting: Promise<void> = Promise.resolve();

  private constructor(private readonly root: string) {}

  static async open(workRoot: string): Promise<StorageStages> {
    if (process.getuid?.() !== 0) throw new Error('warm sandboxed runners need a root executor: it binds each run storage folder into a waiting sandbox');
    const parent = join(workRoot, '.warm-storage');
    await mkdir(parent, { recursive: true });
    // The run user passes through to bind its stage (bwrap resolves the path as that user), never lists.
    await chmod(parent, 0o711);
    await sweepOrphans(parent);
    // One root per pool (an executor may hold more than one: tests, benches), named after the executor's pid.
    const root = join(parent, `${process.pid}-${randomBytes(4).toString('hex')}`);
    await mkdir(root, { mode: 0o711 });
    await mountTool('mount', ['--bind', '--make-shared', root, root]);
    return new StorageStages(root);
  }

  async stage(): Promise<StorageStage> {
    const dir = join(this.root, randomBytes(6).toString('hex'));
    await mkdir(dir, { mode: 0o711 });
    return new StorageStage(dir, (released) => this.unmountLater(released));
  }

  /** Unmounts the stages (and whatever is still bound on them, waiting for a batch too) and removes the empty folders. */
  async close(): Promise<void> {
    clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
    await this.unmounting;
    this.pending = [];
    await unmountAll(this.root);
  }

  private unmountLater(dir: string): void {
    this.pending.push(dir);
    this.batchTimer ??= setTimeout(() => {
      this.batchTimer = undefined;
      this.unmounting = this.unmounting.then(() => this.unmountPending());
    }, UNMOUNT_BATCH_MS);
  }

  /** One umount for every pending stage; a stage that stays mounted (its unmount failed) is not removed. */
  private async unmountPending(): Promise<void> {
    const dirs = this.pending.splice(0);
    if (dirs.length === 0) return;
    await mountTool('umount', ['--lazy', ...dirs]).catch(() => undefined);
    for (const dir of dirs) await rmdir(dir).catch(() => undefined);
  }
}

export class StorageStage {
  private bound = false;

  constructor(
    /** Host folder the sandbox has at /storage. */
    readonly dir: string,
    /** Unmounts and removes the stage later, with others (StorageStages). */
    private readonly unmountLater: (dir: string) => void,
  ) {}

  /** Binds the run's storage folder (never through a link) onto the stage: the waiting sandbox sees it at /storage from now on. */
  async bind(storageDir: string): Promise<void> {
    const fd = openSync(storageDir, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
    try {
      await mountTool('mount', ['--no-canonicalize', '--bind', '/proc/self/fd/3', this.dir], fd);
      this.bound = true;
    } finally {
      closeSync(fd);
    }
  }

  /** Once the sandbox is gone: the storage folder is unbound (in the next batch), the stage removed (only if empty). */
  async release(): Promise<void> {
    if (this.bound) {
      this.bound = false;
      return this.unmountLater(this.dir);
    }
    await rmdir(this.dir).catch(() => undefined);
  }
}

async function sweepOrphans(parent: string): Promise<void> {
  for (const name of await readdir(parent).catch(() => [] as string[])) {
    const pid = /^(\d+)-/.exec(name)?.[1];
    if (!pid || processAlive(Number(pid))) continue;
    await unmountAll(join(parent, name)).catch(() => undefined);
  }
}

async function unmountAll(root: string): Promise<void> {
  await mountTool('umount', ['--recursive', '--lazy', root]).catch(() => undefined);
  for (const name of await readdir(root).catch(() => [] as string[])) await rmdir(join(root, name)).catch(() => undefined);
  await rmdir(root).catch(() => undefined);
}

/** Runs mount(8) / umount(8), `fd` (if any) as its fd 3; rejects with what it printed. */
function mountTool(name: 'mount' | 'umount', args: string[], fd?: number): Promise<void> {
  const file = findExecutable(name);
  if (!file) return Promise.reject(new Error(`${name} is not installed (util-linux)`));
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'ignore', 'pipe', ...(fd === undefined ? [] : [fd])], env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${name} ${args.join(' ')}: ${stderr.trim() || `exit ${code}`}`))));
  });
}
