/**
 * One service as a child process: its output prefixed with its name, a crash reported and
 * answered with one restart, a second crash handed to `onGiveUp` (the launcher then stops
 * everything). `stop()` asks politely (SIGTERM) and insists (SIGKILL) after a grace period.
 */
import { spawn } from 'node:child_process';
import readline from 'node:readline';

export const describeExit = (code, signal) => (signal ? `killed by ${signal}` : `exit code ${code}`);

export class ServiceProcess {
  #child;
  #exited;
  #stopping = false;
  #restarts = 0;

  constructor({ name, entry, env, cwd, output, maxRestarts = 1, onGiveUp }) {
    Object.assign(this, { name, entry, env, cwd, output, maxRestarts, onGiveUp });
  }

  get pid() {
    return this.#child?.pid;
  }

  start() {
    const child = spawn(process.execPath, [this.entry], { cwd: this.cwd, env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    for (const stream of [child.stdout, child.stderr]) {
      readline.createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => this.output.line(this.name, line));
    }
    // 'close' (not 'exit') so the last lines of a crashing service are printed before the report.
    this.#exited = new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
    this.#exited.then(({ code, signal }) => this.#onExit(child, code, signal));
    child.once('error', (error) => this.output.line('agentry', `${this.name} could not be started: ${error.message}`));
    this.output.line('agentry', `started ${this.name} (pid ${child.pid})`);
    return this;
  }

  #onExit(child, code, signal) {
    if (this.#stopping || child !== this.#child) return;
    const how = describeExit(code, signal);
    if (this.#restarts < this.maxRestarts) {
      this.#restarts += 1;
      this.output.line('agentry', this.output.red(`${this.name} crashed (${how}); restarting it (restart ${this.#restarts} of ${this.maxRestarts})`));
      this.start();
    } else {
      this.output.line('agentry', this.output.red(`${this.name} crashed again (${how}); its last output is above`));
      this.onGiveUp(this);
    }
  }

  /** Resolves once the process has exited (at once when it is not running). */
  async stop(graceMs = 10_000) {
    this.#stopping = true;
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return this.#exited;
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      this.output.line('agentry', `${this.name} did not stop within ${graceMs / 1000} s; killing it`);
      child.kill('SIGKILL');
    }, graceMs);
    try {
      return await this.#exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** For a second Ctrl-C: no more waiting. */
  kill() {
    this.#stopping = true;
    this.#child?.kill('SIGKILL');
  }
}
