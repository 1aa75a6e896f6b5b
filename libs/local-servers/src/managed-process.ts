import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { connect } from 'node:net';

const LOG_TAIL_LINES = 40;

// Children still running when this process exits (a crash, process.exit) would outlive it as
// orphans holding ports and data folders: signal them on the way out.
const running = new Set<ManagedProcess>();
process.once('exit', () => {
  for (const managed of running) managed.signalOnExit();
});

/**
 * A long-running child process whose output is drained (so its pipes never fill up) and whose
 * last lines are kept for error messages.
 */
export class ManagedProcess {
  private readonly tail: string[] = [];
  private readonly exited: Promise<void>;
  private exitCode: number | null | undefined = undefined;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    private readonly exitSignal: NodeJS.Signals,
    onLine?: (line: string) => void,
  ) {
    running.add(this);
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        this.tail.push(line);
        if (this.tail.length > LOG_TAIL_LINES) this.tail.shift();
        onLine?.(line);
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code) => {
        this.exitCode = code;
        running.delete(this);
        resolve();
      });
      child.once('error', (error) => {
        this.tail.push(String(error));
        this.exitCode = null;
        running.delete(this);
        resolve();
      });
    });
  }

  static spawn(
    name: string,
    command: string,
    args: string[],
    options: SpawnOptions & {
      onLine?: (line: string) => void;
      /** Sent if this Node process exits while the child still runs (default SIGKILL). */
      exitSignal?: NodeJS.Signals;
    } = {},
  ): ManagedProcess {
    const { onLine, exitSignal = 'SIGKILL', ...spawnOptions } = options;
    const child = spawn(command, args, { ...spawnOptions, stdio: ['ignore', 'pipe', 'pipe'] });
    return new ManagedProcess(name, child, exitSignal, onLine);
  }

  /** Synchronous: used from the process 'exit' handler. */
  signalOnExit(): void {
    if (!this.hasExited) this.child.kill(this.exitSignal);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get hasExited(): boolean {
    return this.exitCode !== undefined;
  }

  logTail(): string {
    return this.tail.join('\n');
  }

  /** Rejects with the log tail when the process exits before `ready` resolves or `timeoutMs` passes. */
  async waitReady(ready: Promise<void>, timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const failure = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(this.failure(`did not become ready within ${timeoutMs} ms`)), timeoutMs);
      void this.exited.then(() => reject(this.failure(`exited with code ${this.exitCode} while starting`)));
    });
    try {
      await Promise.race([ready, failure]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** For a command that runs to completion: rejects with the log tail unless it exits with code 0 in time. */
  async waitSuccess(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(this.failure(`did not finish within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
    if (this.exitCode !== 0) throw this.failure(`failed with exit code ${this.exitCode}`);
  }

  /** Resolves when a line matching `pattern` has been printed. */
  waitForLine(pattern: RegExp): Promise<void> {
    if (this.tail.some((line) => pattern.test(line))) return Promise.resolve();
    return new Promise((resolve) => {
      const check = (chunk: Buffer) => {
        if (pattern.test(chunk.toString('utf8'))) {
          this.child.stdout?.off('data', check);
          this.child.stderr?.off('data', check);
          resolve();
        }
      };
      this.child.stdout?.on('data', check);
      this.child.stderr?.on('data', check);
    });
  }

  /** Resolves once 127.0.0.1:port accepts a TCP connection (or the process died: waitReady reports that). */
  async waitForPort(port: number, intervalMs = 25): Promise<void> {
    while (!this.hasExited) {
      if (await canConnect(port)) return;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }

  /** Sends the signals in turn, waiting `graceMs` after each, until the process has exited. */
  async stop(signals: NodeJS.Signals[], graceMs: number): Promise<void> {
    for (const signal of signals) {
      if (this.hasExited) return;
      this.child.kill(signal);
      const timedOut = await Promise.race([this.exited.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), graceMs).unref())]);
      if (!timedOut) return;
    }
    await this.exited;
  }

  private failure(what: string): Error {
    return new Error(`${this.name} ${what}. Last output:\n${this.logTail()}`);
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      socket.destroy();
      resolve(false);
    });
  });
}
