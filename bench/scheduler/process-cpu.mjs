// CPU time of a process tree from /proc (Linux): the load-independent half of a start-up figure on a shared
// machine, where wall time mostly says how many other processes wanted the cores.
import { readdirSync, readFileSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

function readStat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { parent: Number(fields[1]), cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND };
  } catch {
    return undefined; // gone, or not Linux
  }
}

/** CPU milliseconds (user + system) used so far by `pid` and by each of its live children, by process id. */
export function treeCpu(pid) {
  const byPid = new Map();
  const own = readStat(pid);
  if (own) byPid.set(pid, own.cpuMs);
  let entries;
  try {
    entries = readdirSync('/proc');
  } catch {
    return byPid;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(entry);
    if (stat?.parent === pid) byPid.set(Number(entry), stat.cpuMs);
  }
  return byPid;
}

/**
 * CPU milliseconds the tree of `pid` used since `before` (a treeCpu answer), counted over the processes alive
 * now: for Postgres, the postmaster and the backends (a backend that exited meanwhile took its time with it,
 * so measure while the connections of interest are still open; one that exited since `before` is not
 * subtracted either).
 */
export function treeCpuSince(pid, before) {
  let total = 0;
  for (const [child, cpuMs] of treeCpu(pid)) total += cpuMs - (before.get(child) ?? 0);
  return total;
}
