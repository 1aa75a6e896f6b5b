import { ConfigError } from './index.js';

/**
 * A failure before (or instead of) the service's logger, in the logger's format: text on a
 * terminal or with LOG_FORMAT=pretty, otherwise one JSON line, so a crash-looping pod's last line
 * is read by the same log pipeline as the rest.
 */
function reportFailure(name: string, text: string, problems?: string[]): void {
  const format = process.env.LOG_FORMAT;
  if (format === 'pretty' || (format !== 'json' && process.stderr.isTTY)) {
    console.error(text);
    return;
  }
  const line = { time: new Date().toISOString(), level: 'fatal', service: name, context: 'Startup', message: text, ...(problems ? { problems } : {}) };
  process.stderr.write(JSON.stringify(line) + '\n');
}

/** Runs an entry point; a configuration problem prints what to set, any other failure its message, and exits 1. */
export function runMain(name: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    if (error instanceof ConfigError) reportFailure(name, `${name}: ${error.message}`, error.problems);
    else reportFailure(name, `${name} failed: ${error instanceof Error ? error.message : String(error)}`);
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
