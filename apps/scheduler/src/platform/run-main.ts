import { ConfigError } from '@agentry/config';

/** Runs an entry point; a configuration problem prints what to set, any other failure its message, and exits 1. */
export function runMain(name: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    if (error instanceof ConfigError) console.error(`${name}: ${error.message}`);
    else console.error(`${name} failed:`, error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
