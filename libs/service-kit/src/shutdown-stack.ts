import { Logger } from '@nestjs/common';

/**
 * What a service started, stopped in reverse order: on close, or at once when a later
 * start-up step fails, so a failed boot leaks no connection or server.
 */
export class ShutdownStack {
  private readonly steps: { name: string; stop: () => Promise<unknown> }[] = [];

  /** `name` says what failed to close in the log line, should a step throw. */
  push(stop: () => Promise<unknown>, name = 'a shutdown step'): void {
    this.steps.push({ name, stop });
  }

  /**
   * Runs every step, last pushed first. A step that throws is logged and the rest still run
   * (one stuck server must not leave the database pool open); the first failure is rethrown at the end.
   */
  async unwind(): Promise<void> {
    let failure: { error: unknown } | undefined;
    while (this.steps.length) {
      const step = this.steps.pop()!;
      try {
        await step.stop();
      } catch (error) {
        new Logger('Shutdown').error(`closing ${step.name} failed: ${error instanceof Error ? error.message : String(error)}`);
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  }

  /** Runs `boot`; if it throws, unwinds what it had started and rethrows the boot's error. */
  async boot<T>(boot: (stack: ShutdownStack) => Promise<T>): Promise<T> {
    try {
      return await boot(this);
    } catch (error) {
      await this.unwind().catch(() => undefined);
      throw error;
    }
  }
}
