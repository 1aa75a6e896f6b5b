import { DEFAULT_FILE_MGMT, type FileMgmt } from '@agentry/contracts';

/** The v2 API / runtime-sdk defaults: new files join the agent's folder; 10 run folders are kept. */
export { DEFAULT_FILE_MGMT };
export const DEFAULT_MAX_FOLDERS = 10;

/**
 * Where a run saves, relative to the agent's storage folder:
 * - `folders`: a new folder per run, named by its container id;
 * - `mix`: the agent's folder itself (new files join, same names overwrite);
 * - `delete`: the agent's folder, emptied before the run.
 */
export function runFolderOf(fileMgmt: FileMgmt | null, containerId: number): string {
  return (fileMgmt ?? DEFAULT_FILE_MGMT) === 'folders' ? String(containerId) : '';
}

/**
 * With `folders`, the run folders to remove so that at most `maxFolders` remain once the new one is
 * made: the oldest first (folder names are container ids, which grow). Other entries are left alone.
 */
export function foldersToRemove(entries: string[], maxFolders: number | null, newFolder: string): string[] {
  const keep = Math.max(1, maxFolders ?? DEFAULT_MAX_FOLDERS);
  const runFolders = entries.filter((name) => /^\d+$/.test(name) && name !== newFolder).sort((a, b) => Number(BigInt(a) - BigInt(b)));
  const excess = runFolders.length + 1 - keep;
  return excess > 0 ? runFolders.slice(0, excess) : [];
}
