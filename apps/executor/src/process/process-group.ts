import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';

const POLL_MS = 10;

/**
 * Whether a process with this id exists (ours or another user's: EPERM means it is there). Used to
 * tell what an executor that died left behind (its folders, groups and mounts carry its pid).
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Signals every process of the group; a group already gone is not an error. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: nothing left in the group
  }
}

/**
 * Resolves once no process of the group is still running, or after `timeoutMs` (SIGKILL is not
 * instantaneous). Zombies do not count: an orphan waits for the host's init to reap it, which
 * may take a while, but it runs nothing.
 */
export async function groupExited(pgid: number, timeoutMs: number): Promise<boolean> {
  for (const until = Date.now() + timeoutMs; ;) {
    if (!(await groupRunning(pgid))) return true;
    if (Date.now() >= until) return false;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Resolves once the process is gone or a zombie, or after `timeoutMs`. */
export async function processExited(pid: number, timeoutMs: number): Promise<boolean> {
  for (const until = Date.now() + timeoutMs; ;) {
    if (!running(await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => ''))) return true;
    if (Date.now() >= until) return false;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** From a /proc/<pid>/stat line: "pid (comm) state ppid pgrp ..."; comm may hold spaces and parentheses. */
function statFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

function running(stat: string): boolean {
  const state = statFields(stat)[0];
  return stat !== '' && state !== 'Z' && state !== 'X';
}

async function groupRunning(pgid: number): Promise<boolean> {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    if (running(stat) && Number(statFields(stat)[2]) === pgid) return true;
  }
  return false;
}

/**
 * `pid` and every process below it (children, grandchildren…). Read through
 * /proc/<pid>/task/<tid>/children (a few small files, synchronously: this runs while the run's
 * start waits); without that file (CONFIG_PROC_CHILDREN), from every process's parent in /proc.
 */
export function processTree(pid: number): number[] {
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    const children = childrenOf(tree[i]!);
    if (children === null) return processTreeByScan(pid);
    tree.push(...children);
  }
  return tree;
}

function childrenOf(pid: number): number[] | null {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return []; // gone meanwhile
  }
  const children: number[] = [];
  for (const tid of tasks) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && existsSync(`/proc/${pid}/task/${tid}`)) return null;
      continue;
    }
    for (const child of text.split(' ').filter(Boolean)) children.push(Number(child));
  }
  return children;
}

function processTreeByScan(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    if (running(stat)) parentOf.set(Number(entry), Number(statFields(stat)[1]));
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    for (const [child, parent] of parentOf) if (parent === tree[i]) tree.push(child);
  }
  return tree;
}
