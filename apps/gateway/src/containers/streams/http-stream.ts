import type { ServerResponse } from 'node:http';
import { Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DomainError } from '@agentry/contracts';

const logger = new Logger('ContainerStreams');

/** Why a feed can stop before its container ended while the client is still there. */
export const STOPPED_EARLY = 'The gateway stopped following this container before it ended (it is shutting down); read the rest from output.json';

/** What a stream tells its client when it fails after its headers went out (domain messages only). */
export function failureMessage(error: unknown): string {
  if (error instanceof DomainError) return error.message;
  logger.error(`stream failed: ${error instanceof Error ? error.stack : String(error)}`);
  return 'Internal error';
}

/** How long a streaming client may leave what was sent unread before its connection is cut. */
const STALLED_CLIENT_MS = 30_000;

/**
 * A response written piece by piece, outside Fastify's reply (hijacked), for answers that last
 * as long as a container: headers can go out at once, writes wait for a slow client to drain,
 * and `signal` aborts when the client goes away. A client that reads nothing for `stalledMs`
 * while a write waits is cut off: what it holds in the gateway is bounded (the socket's buffers and
 * one write; its feed drops live output past a bound and reads the gap from storage later) and
 * bounded in time too, so sockets that never read cannot pile up.
 */
export class HttpStream {
  private readonly closed = new AbortController();
  /** `closed` aborted, as a plain field: read for every follower on every line (an AbortSignal getter validates its receiver: 2% of the gateway's CPU at 1,000 followers). */
  private gone = false;

  private constructor(
    private readonly response: ServerResponse,
    private readonly stalledMs: number,
  ) {
    response.on('close', () => {
      this.gone = true;
      this.closed.abort();
    });
  }

  /** Takes the response over from Fastify; only after every check that can answer an error status. */
  static take(reply: FastifyReply, stalledMs = STALLED_CLIENT_MS): HttpStream {
    reply.hijack();
    return new HttpStream(reply.raw, stalledMs);
  }

  get signal(): AbortSignal {
    return this.closed.signal;
  }

  get started(): boolean {
    return this.response.headersSent;
  }

  start(status: number, contentType: string | null, extraHeaders: Record<string, string> = {}): void {
    const headers: Record<string, string> = { 'cache-control': 'no-cache', 'x-accel-buffering': 'no', ...extraHeaders };
    if (contentType) headers['content-type'] = contentType;
    this.response.writeHead(status, headers);
    this.response.flushHeaders();
  }

  async write(chunk: string | Buffer): Promise<void> {
    if (this.closed.signal.aborted || this.response.writableEnded) return;
    if (this.response.write(chunk)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(stalled);
        this.response.off('drain', done);
        this.response.off('close', done);
        resolve();
      };
      // One timer per write that has to wait, not per write: a reading client never arms it for long.
      const stalled = setTimeout(() => this.fail(), this.stalledMs);
      this.response.on('drain', done);
      this.response.on('close', done);
    });
  }

  /**
   * True when a write now goes out in order without waiting: headers sent, the client still there and
   * keeping up (nothing left undrained). A client that is not keeps going through `write`, and its timer.
   */
  get writableAtOnce(): boolean {
    return !this.gone && this.started && !this.response.writableEnded && !this.response.writableNeedDrain;
  }

  /** Writes without waiting for the client to drain; only when `writableAtOnce`. */
  writeAtOnce(chunk: Buffer): void {
    if (chunk.length) this.response.write(chunk);
  }

  end(): void {
    if (!this.response.writableEnded) this.response.end();
  }

  /** Cuts the connection without finishing the body, so the client sees the answer is incomplete. */
  fail(): void {
    this.response.destroy();
  }

  /** Runs `tick` every `ms` until the returned function is called; skipped while the client has not read what was sent. */
  every(ms: number, tick: () => string): () => void {
    const timer = setInterval(() => {
      if (!this.response.writableNeedDrain) void this.write(tick());
    }, ms);
    return () => clearInterval(timer);
  }
}
