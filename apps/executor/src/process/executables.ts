import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

const SYSTEM_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
const found = new Map<string, string | null>();

/** Absolute path of an executable on PATH or in the usual system folders; null when absent. */
export function findExecutable(name: string): string | null {
  if (!found.has(name)) {
    const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...SYSTEM_DIRS];
    found.set(name, dirs.map((dir) => join(dir, name)).find(isExecutable) ?? null);
  }
  return found.get(name) ?? null;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
