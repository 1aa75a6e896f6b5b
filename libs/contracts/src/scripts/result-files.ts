/**
 * An agent's conventional result files: `<csvName>.csv` and `<jsonName>.json` at the top of a run's
 * storage folder, named by the launch argument's `csvName` / `jsonName` (a trailing `.csv` / `.json`
 * the user typed is dropped), else `result` — as the classic platform's agents save them. The executor
 * records a run's saving them (ContainerResultFileSaved), the gateway answers the agent's configured
 * names; the runtime's `buster.saveResults()` names them the same way (libs/runtime/script/results.cjs).
 */
export interface ResultFileNames {
  csv: string;
  json: string;
}

export type ResultFormat = keyof ResultFileNames;

/** The name an argument configures for one format (without its extension), or null when it sets none. */
export function configuredResultName(argument: unknown, format: ResultFormat): string | null {
  const fields = argument !== null && typeof argument === 'object' && !Array.isArray(argument) ? (argument as Record<string, unknown>) : {};
  const value = fields[format === 'csv' ? 'csvName' : 'jsonName'];
  if (typeof value !== 'string') return null;
  return value.trim().replace(format === 'csv' ? /\.csv$/i : /\.json$/i, '') || null;
}

/** The names a run's argument gives its result files (`result` for one it does not configure). */
export function resultFileNames(argument: unknown): ResultFileNames {
  return { csv: configuredResultName(argument, 'csv') ?? 'result', json: configuredResultName(argument, 'json') ?? 'result' };
}

/** Which result file a saved path (relative to the run's storage folder) is, if any. */
export function resultFileOf(savedPath: string, names: ResultFileNames): { format: ResultFormat; name: string } | null {
  const path = savedPath.replace(/^\/+/, '');
  if (path === `${names.csv}.csv`) return { format: 'csv', name: names.csv };
  if (path === `${names.json}.json`) return { format: 'json', name: names.json };
  return null;
}
