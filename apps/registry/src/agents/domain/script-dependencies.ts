import { scriptHeaderList } from '@agentry/contracts';

/** `lib-<name>.js`: the names a dependency may have (also keeps them safe as a folder name in the run). */
const LIBRARY_NAME = /^lib-[A-Za-z0-9_][A-Za-z0-9._-]{0,100}\.js$/;

/** At most this many libraries per script. */
export const MAX_DEPENDENCIES = 20;
/** The libraries' texts together: they travel in the launch snapshot beside the script (NATS message bound). */
export const MAX_DEPENDENCY_BYTES = 384 * 1024;

/**
 * The dependency names a script's header lines list (`'phantombuster dependencies: lib-A.js, lib-B.js'`,
 * in any of the header forms of libs/contracts/src/scripts/header.ts), in order, without repeats.
 */
export function dependencyNames(scriptText: string): string[] {
  return scriptHeaderList(scriptText, 'phantombuster dependencies');
}

/** Why these names cannot be dependencies, or null: a name that is not `lib-*.js`, or too many. */
export function dependencyNamesProblem(names: string[]): string | null {
  const bad = names.find((name) => !LIBRARY_NAME.test(name));
  if (bad !== undefined) return `Dependency ${JSON.stringify(bad.slice(0, 120))} is not a lib-<name>.js script name`;
  if (names.length > MAX_DEPENDENCIES) return `A script may name at most ${MAX_DEPENDENCIES} dependencies (it names ${names.length})`;
  return null;
}
