import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';

export type ServiceName = 'registry' | 'executor' | 'output' | 'scheduler' | 'gateway';

const READY_TIMEOUT_MS = 90_000;
const BOOT_ATTEMPTS = 3;
/** What an error about a replica quotes of its output: the log folder is removed when the drill ends. */
const QUOTED_OUTPUT_CHARS = 3000;

/**
 * One replica of a service as the operator runs it: `node apps/<service>/dist/main.js` with its own
 * environment, like a pod. Its output (JSON log lines) goes to `<logDir>/<name>.log`, every
 * incarnation appended, for the post-mortem of a failed drill. It can be SIGKILLed, frozen
 * (SIGSTOP / SIGCONT) and started again with the same settings.
 */
export class ServiceReplica {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private log: WriteStream;
  /** The end of the current incarnation's output, quoted when it exits while starting. */
  private recentOutput = '';
  /** How many times it was started. */
  starts = 0;

  constructor(
    readonly service: ServiceName,
    readonly name: string,
    private readonly entry: string,
    private readonly env: Record<string, string>,
    /** Where /readyz answers (every service has HEALTH_PORT). */
    readonly healthPort: number,
    logDir: string,
  ) {
    this.log = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' });
  }

  get pid(): number {
    return this.child?.pid ?? -1;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * Starts the process and waits until its /readyz answers 200. A process that exits while starting
   * (e.g. NATS did not answer in time on a busy machine) is started again, as Kubernetes restarts a
   * crashed container; `bootCrashes` counts them.
   */
  async start(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.startOnce();
      } catch (error) {
        if (this.running || attempt >= BOOT_ATTEMPTS) throw error;
        this.bootCrashes += 1;
        // As Kubernetes backs off before restarting a crashed container: a cause that lasts a moment
        // (a busy NATS, a port briefly held) does not take every attempt in the same instant.
        await sleep(attempt * 1000);
      }
    }
  }

  /** Exits during start-up that were answered with another start. */
  bootCrashes = 0;

  private async startOnce(): Promise<void> {
    if (this.running) return;
    this.starts += 1;
    this.log.write(`--- start ${this.starts} at ${new Date().toISOString()}\n`);
    const child = spawn(process.execPath, [this.entry], { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.recentOutput = '';
    child.stdout!.pipe(this.log, { end: false });
    child.stderr!.pipe(this.log, { end: false });
    const keep = (chunk: Buffer) => (this.recentOutput = (this.recentOutput + chunk.toString()).slice(-QUOTED_OUTPUT_CHARS));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    await this.waitReady();
  }

  async waitReady(timeoutMs = READY_TIMEOUT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) {
        const how = this.child?.signalCode ?? `code ${this.child?.exitCode}`;
        throw new Error(`${this.name} exited while starting (${how}); the end of its output:\n${this.recentOutput}`);
      }
      if ((await httpStatus(this.healthPort, '/readyz')) === 200) return;
      await sleep(250);
    }
    throw new Error(`${this.name} was not ready within ${timeoutMs} ms (see its log)`);
  }

  /** A crash: SIGKILL, no clean-up of any kind. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.child!.kill('SIGKILL');
    await this.exited;
  }

  /** What an orchestrator does on a rolling update: SIGTERM, then waits for the process to leave. */
  async terminate(): Promise<void> {
    if (!this.running) return;
    this.child!.kill('SIGTERM');
    await this.exited;
  }

  /** A partition as the rest of the platform sees it: the process is frozen, its sockets stay open. */
  freeze(): void {
    if (this.running) this.child!.kill('SIGSTOP');
  }

  thaw(): void {
    if (this.running) this.child!.kill('SIGCONT');
  }

  async stop(): Promise<void> {
    this.thaw();
    if (this.running) {
      this.child!.kill('SIGTERM');
      const timer = setTimeout(() => this.child?.kill('SIGKILL'), 10_000);
      await this.exited;
      clearTimeout(timer);
    }
    await new Promise<void>((resolve) => this.log.end(resolve));
  }
}

export function httpStatus(port: number, path: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end();
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
