import { constants, mkdirSync } from 'node:fs';
import { open, readdir, readlink, realpath, rm } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { notFound, READ_STORED_FILE_MAX_BYTES, type FileMgmt, type ReadStoredFileResult } from '@agentry/contracts';
import { EXECUTOR_CONFIG, type ExecutorConfig } from '../config.js';
import { DEFAULT_FILE_MGMT, foldersToRemove, runFolderOf } from './file-mgmt.js';
import { agentStorageRoot } from './storage-paths.js';

export interface RunStorage {
  /** Absolute folder the run's save*() write into. */
  dir: string;
  /** That folder relative to the agent's storage folder ('' for mix / delete). */
  prefix: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.json': 'application/json',
  '.html': 'text/html; charset=utf-8',
  '.xml': 'application/xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.pdf': 'application/pdf',
  '.zip': 'application/zip',
};

/** The agents' persistent files under AGENTRY_STORAGE_DIR, with the v2 API's file management. */
@Injectable()
export class AgentStorage {
  constructor(@Inject(EXECUTOR_CONFIG) private readonly config: ExecutorConfig) {}

  /**
   * Applies `fileMgmt` before a run and answers where it saves. The folders are made synchronously: a
   * mkdir is microseconds of the kernel, but made asynchronously (a trip through libuv's thread pool and
   * back to an event loop busy with the run's start) each took 3–6 ms to come back on the loaded machine,
   * on every run's critical path (docs/PERFORMANCE.md › Launch). Removing old folders, which can be large,
   * stays asynchronous.
   */
  async prepareRun(opts: {
    orgId: number;
    storageFolder: string;
    fileMgmt: FileMgmt | null;
    maxFolders: number | null;
    containerId: number;
  }): Promise<RunStorage> {
    const root = agentStorageRoot(this.config.storageDir, opts.orgId, opts.storageFolder);
    mkdirSync(root, { recursive: true });
    const mode = opts.fileMgmt ?? DEFAULT_FILE_MGMT;
    const prefix = runFolderOf(mode, opts.containerId);
    if (mode === 'folders') {
      for (const old of foldersToRemove(await readdir(root), opts.maxFolders, prefix)) await rm(join(root, old), { recursive: true, force: true });
    } else if (mode === 'delete') {
      for (const entry of await readdir(root)) await rm(join(root, entry), { recursive: true, force: true });
    }
    const dir = prefix ? join(root, prefix) : root;
    if (dir !== root) mkdirSync(dir, { recursive: true });
    return { dir, prefix };
  }

  /**
   * Reads part of a stored file. The path must resolve inside the agent's folder once symbolic links
   * are followed: a script could have left a link to anywhere on the executor's disk. Checked again
   * on the file actually opened (its /proc/self/fd path): a running script swapping a checked file
   * for a link between the check and the open (a symlink race) gets a 404 too.
   */
  async read(opts: { orgId: number; storageFolder: string; path: string; offset: number; maxBytes: number }): Promise<ReadStoredFileResult> {
    const root = agentStorageRoot(this.config.storageDir, opts.orgId, opts.storageFolder);
    const missing = () => notFound(`File ${opts.path}`);
    let realRoot: string;
    let realFile: string;
    try {
      realRoot = await realpath(root);
      realFile = await realpath(join(root, opts.path));
    } catch {
      throw missing();
    }
    if (!realFile.startsWith(realRoot + sep)) throw missing();
    // O_NONBLOCK: a FIFO planted in storage must not hang the read.
    const handle = await open(realFile, constants.O_RDONLY | constants.O_NONBLOCK).catch(() => {
      throw missing();
    });
    try {
      const opened = await readlink(`/proc/self/fd/${handle.fd}`).catch(() => '');
      if (!opened.startsWith(realRoot + sep)) throw missing();
      const stat = await handle.stat();
      if (!stat.isFile()) throw missing();
      const offset = Math.min(opts.offset, stat.size);
      const length = Math.min(opts.maxBytes, READ_STORED_FILE_MAX_BYTES, stat.size - offset);
      const buffer = Buffer.alloc(length);
      const { bytesRead } = length > 0 ? await handle.read(buffer, 0, length, offset) : { bytesRead: 0 };
      return {
        path: opts.path,
        size: stat.size,
        offset,
        data: buffer.subarray(0, bytesRead).toString('base64'),
        contentType: CONTENT_TYPES[extname(realFile).toLowerCase()] ?? 'application/octet-stream',
        modifiedAt: Math.floor(stat.mtimeMs),
      };
    } finally {
      await handle.close();
    }
  }
}
