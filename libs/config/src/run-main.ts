import { ConfigError } from './index.js';

/** Runs an entry point; a configuration problem prints what to set, any other failure its message, and exits 1. */
export function runMain(name: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    if (error instanceof ConfigError) console.error(`${name}: ${error.message}`);
    else console.error(`${name} failed:`, error instanceof Error ? error.message : error);
    process.exit(1);
  });
}

/**
 * A service's entry point: starts it and closes it cleanly on SIGTERM / SIGINT. The handlers are
 * registered before start-up finishes, so a signal arriving meanwhile still closes what started.
 */
export function runService(name: string, start: () => Promise<{ close(): Promise<void> }>): void {
  runMain(name, async () => {
    const starting = start();
    const stop = () => {
      starting
        .then((service) => service.close())
        .then(() => process.exit(0))
        .catch(() => process.exit(1));
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    await starting;
  });
}
