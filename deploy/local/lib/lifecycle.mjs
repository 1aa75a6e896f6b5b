/**
 * Starts things in order and stops them in reverse order, exactly once, even when the stop
 * request arrives while something is still starting (that start is awaited, then undone).
 */
export class Stopping extends Error {
  constructor() {
    super('stopping');
  }
}

export class Lifecycle {
  #started = [];
  #inFlight = Promise.resolve();
  #shutdown;
  #abort = new AbortController();

  constructor(log) {
    this.log = log;
  }

  get stopping() {
    return this.#shutdown !== undefined;
  }

  /** Aborted when shutdown begins: for waits that should end early. */
  get signal() {
    return this.#abort.signal;
  }

  /**
   * Runs `start()`, remembers `stop(result)` for shutdown, answers the result. Throws `Stopping`
   * when shutdown began before or during the start (what was started is then stopped by it).
   */
  async start(label, start, stop) {
    if (this.stopping) throw new Stopping();
    const step = (async () => {
      const result = await start();
      this.#started.push({ label, stop: () => stop(result) });
      return result;
    })();
    this.#inFlight = step.catch(() => undefined);
    const result = await step;
    if (this.stopping) throw new Stopping();
    return result;
  }

  /** Stops everything started, newest first. Resolves with the exit code of the first call. */
  shutdown(exitCode, reason) {
    this.#shutdown ??= (async () => {
      this.log(reason);
      this.#abort.abort(new Stopping());
      await this.#inFlight;
      for (const { label, stop } of this.#started.reverse()) {
        try {
          await stop();
          this.log(`stopped ${label}`);
        } catch (error) {
          this.log(`could not stop ${label} cleanly: ${error?.message ?? error}`);
        }
      }
      return exitCode;
    })();
    return this.#shutdown;
  }
}
