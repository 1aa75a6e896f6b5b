/**
 * What a service started, stopped in reverse order: on close, or at once when a later
 * start-up step fails, so a failed boot leaks no connection or server.
 */
export class ShutdownStack {
  private readonly steps: (() => Promise<unknown>)[] = [];

  push(stop: () => Promise<unknown>): void {
    this.steps.push(stop);
  }

  async unwind(): Promise<void> {
    while (this.steps.length) await this.steps.pop()!();
  }

  /** Runs `boot`; if it throws, unwinds what it had started and rethrows. */
  async boot<T>(boot: (stack: ShutdownStack) => Promise<T>): Promise<T> {
    try {
      return await boot(this);
    } catch (error) {
      await this.unwind().catch(() => undefined);
      throw error;
    }
  }
}
