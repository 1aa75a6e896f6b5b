import type { Socket } from 'node:net';
import { parseRuntimeRequest, type RunnerMessage } from './protocol.js';
import type { RuntimeRequest } from './types.js';

/** A script that sends a line longer than this without a newline loses its channel. */
const MAX_LINE_BYTES = 16 * 1024 * 1024;

export type RequestHandler = (req: RuntimeRequest) => Promise<unknown>;

/** The runner's end of a run's private channel (the child's fd 3). */
export class RunnerChannel {
  private buffer = '';
  private closed = false;
  /** Requests are handled one at a time, in the order the script sent them. */
  private queue: Promise<unknown> = Promise.resolve();
  private greeted!: () => void;
  private lost!: (error: Error) => void;
  /** Resolves when the runtime in the child says hello (its process is up); rejects if the channel closes first. */
  readonly hello: Promise<void> = new Promise<void>((resolve, reject) => {
    this.greeted = resolve;
    this.lost = reject;
  });

  constructor(
    private readonly socket: Socket | null,
    private readonly handle: RequestHandler,
  ) {
    this.hello.catch(() => undefined);
    if (!socket) {
      this.close();
      return;
    }
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => this.receive(text));
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  send(message: RunnerMessage): void {
    if (!this.closed) this.socket!.write(JSON.stringify(message) + '\n');
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    this.closed = true;
    this.lost(new Error('the run ended before its runtime started'));
    this.socket?.destroy();
  }

  private receive(text: string): void {
    this.buffer += text;
    let newline: number;
    while ((newline = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + 1);
      if (line) this.dispatch(line);
    }
    if (this.buffer.length > MAX_LINE_BYTES) this.close();
  }

  private dispatch(line: string): void {
    let message: { t?: unknown; id?: unknown; req?: unknown };
    try {
      message = JSON.parse(line);
    } catch {
      return;
    }
    if (message.t === 'hello') return this.greeted();
    if (message.t !== 'req' || !Number.isSafeInteger(message.id)) return;
    const id = message.id as number;
    const req = parseRuntimeRequest(message.req);
    if (!req) return this.answerError(id, { message: 'Malformed runtime request', code: 'VALIDATION_FAILED' });
    const answer = this.queue.then(() => this.handle(req));
    this.queue = answer.catch(() => undefined);
    if (id === 0) {
      answer.catch(() => undefined);
      return;
    }
    answer.then(
      (value) => this.send({ t: 'res', id, ok: true, value: value ?? null }),
      (error: unknown) => this.answerError(id, describe(error)),
    );
  }

  private answerError(id: number, error: { message: string; code?: string }): void {
    if (id !== 0) this.send({ t: 'res', id, ok: false, error });
  }
}

function describe(error: unknown): { message: string; code?: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? { message: error.message, code } : { message: error.message };
  }
  return { message: String(error) };
}
