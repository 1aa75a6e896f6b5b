/**
 * The CLI's exit codes (documented in apps/cli/README.md). `run --follow` exits with the run's own
 * exit code instead, so these are chosen above the codes scripts commonly use (sysexits.h).
 */
export const EXIT = {
  ok: 0,
  /** The API refused or failed the request (its message is printed). */
  api: 1,
  /** A run followed to its end had no exit code (killed, timed out, launch error). */
  runFailed: 1,
  /** Bad arguments, an unreadable or invalid file. */
  usage: 64,
  /** The server cannot be reached, or is not an Agentry gateway. */
  unavailable: 69,
  /** A bug of the CLI. */
  software: 70,
  /** Not logged in / the config file cannot be read. */
  config: 78,
} as const;

/** An error the CLI reports as one line and an exit code. */
export class CliError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}
