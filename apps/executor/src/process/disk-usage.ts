import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** More entries than this written by a run counts as over any cap: walking millions of files would stall the watcher itself. */
export const MAX_NEW_ENTRIES = 100_000;

export interface DiskUse {
  bytes: number;
  entries: number;
}

/**
 * Disk a folder takes: allocated blocks of every entry below it, links not followed (a link to
 * a big host file costs its own few bytes, not the file's), and how many entries. Past
 * `maxEntries` it stops and answers Infinity bytes. Entries that vanish meanwhile are skipped:
 * the script may be deleting as we walk.
 */
export async function diskUse(root: string, maxEntries = Infinity): Promise<DiskUse> {
  let bytes = 0;
  let entries = 0;
  const pending = [root];
  while (pending.length) {
    const dir = pending.pop()!;
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      if (++entries > maxEntries) return { bytes: Infinity, entries };
      const path = join(dir, name);
      const stat = await lstat(path).catch(() => null);
      if (!stat) continue;
      bytes += stat.blocks * 512;
      if (stat.isDirectory()) pending.push(path);
    }
  }
  return { bytes, entries };
}

/**
 * Polls what a run writes: its run folder (+ /tmp, inside it) and what its storage folder grew by
 * since the start. Calls `over` once the total passes `limitBytes`. Polling lets a fast writer
 * overshoot by what it writes in one interval; RLIMIT_FSIZE caps any single file at the limit.
 */
export class DiskWatch {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  private constructor(
    private readonly runDir: string,
    private readonly storageDir: string,
    /** What the storage folder held when the run started (earlier runs' files, in mix mode). */
    private readonly storageBaseline: DiskUse,
    private readonly limitBytes: number,
    private readonly over: (usedBytes: number) => void,
    private readonly intervalMs: number,
  ) {}

  static async start(opts: {
    runDir: string;
    storageDir: string;
    limitBytes: number;
    intervalMs?: number;
    over: (usedBytes: number) => void;
  }): Promise<DiskWatch> {
    const baseline = await diskUse(opts.storageDir);
    const watch = new DiskWatch(opts.runDir, opts.storageDir, baseline, opts.limitBytes, opts.over, opts.intervalMs ?? 500);
    watch.schedule();
    return watch;
  }

  /** Bytes the run has written, as of now. */
  async used(): Promise<number> {
    const [run, storage] = await Promise.all([diskUse(this.runDir, MAX_NEW_ENTRIES), diskUse(this.storageDir, this.storageBaseline.entries + MAX_NEW_ENTRIES)]);
    return run.bytes + Math.max(0, storage.bytes - this.storageBaseline.bytes);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(async () => {
      const used = await this.used();
      if (this.stopped) return;
      if (used > this.limitBytes) {
        this.stopped = true;
        return this.over(used);
      }
      this.schedule();
    }, this.intervalMs);
  }
}
