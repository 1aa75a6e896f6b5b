import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { ClosedConnectionError, DrainingConnectionError, RequestError, TimeoutError, type NatsConnection } from '@nats-io/transport-node';
import {
  DomainError,
  ErrorCode,
  type RequestEnvelope,
  type RpcParams,
  type RpcReply,
  type RpcResult,
  type RpcSubject,
  type WireError,
} from '@agentry/contracts';
import { decodeNestResponse, encodeNestRequest } from './nest-nats-wire.js';
import { connectNats } from './nats-connection.js';
import { traceHeaders, withRequestId } from './trace-headers.js';

/**
 * How long a caller waits for a reply before answering SERVICE_UNAVAILABLE. Longer than the longest
 * wait a handler makes on purpose: a command answers once its read models have caught up
 * (ProjectionRunner.waitFor, 10 s at most). At 5 s a burst of saves on a loaded machine (25 at once,
 * each waiting on the projection) had the gateway answer 503 while the registry went on to commit
 * them: the client saw a failure for an agent that now existed, and its retry made a second one.
 * A service that is down still answers at once (no responders); only a frozen one costs the wait.
 */
const DEFAULT_TIMEOUT_MS = 15_000;
const logger = new Logger('RpcClient');

/** `registry.agents.save` is served by the `registry` service. */
const serviceOf = (subject: string): string => subject.split('.')[0] ?? subject;

/** Seconds a client is told to wait (`Retry-After`) when a service or a dependency is down. */
export const SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

const serviceUnavailable = (subject: string): DomainError =>
  new DomainError(ErrorCode.SERVICE_UNAVAILABLE, `${serviceOf(subject)} service unavailable`, undefined, SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS);

/**
 * A request the bus can't carry: the client library would throw `max_payload size exceeded` (an
 * unexpected error, i.e. a 500). Checked on the encoded packet, the bytes that travel: JSON
 * escaping can make a parameter up to six times larger than the text the client sent.
 */
const tooLargeForBus = (subject: string, bytes: number, maxPayload: number): DomainError =>
  new DomainError(
    ErrorCode.PAYLOAD_TOO_LARGE,
    `Request too large: ${bytes} bytes once encoded for the ${serviceOf(subject)} service, at most ${maxPayload}; send less data`,
  );

/** Errors meaning "nobody answered": no subscriber, no reply in time, or no connection to NATS. */
const isUnanswered = (err: unknown): boolean =>
  err instanceof TimeoutError || err instanceof RequestError || err instanceof ClosedConnectionError || err instanceof DrainingConnectionError;

const isWireError = (err: unknown): err is WireError =>
  typeof err === 'object' && err !== null && Object.values(ErrorCode).includes((err as WireError).code) && typeof (err as WireError).message === 'string';

/**
 * Calls NestJS `@MessagePattern` handlers over NATS request/reply and unwraps their `RpcReply`:
 * resolves with `data`, throws the handler's `DomainError` (code intact) or SERVICE_UNAVAILABLE when
 * nobody answers.
 */
export class RpcClient {
  constructor(
    private readonly nc: NatsConnection,
    private readonly defaultTimeoutMs = DEFAULT_TIMEOUT_MS,
  ) {}

  /**
   * Params and result are the subject's entry in `RpcContract` (libs/contracts): the compiler checks
   * both, so no caller names a result type of its own.
   */
  async request<S extends RpcSubject>(subject: S, envelope: RequestEnvelope<RpcParams<S>>, opts?: { timeoutMs?: number }): Promise<RpcResult<S>> {
    // The caller's request id and trace context travel on: in the envelope (handlers record it as
    // the events' correlation id) and in NATS headers (the handler's log context).
    const packet = encodeNestRequest(subject, withRequestId(envelope), randomUUID());
    const maxPayload = this.nc.info?.max_payload;
    if (maxPayload !== undefined) {
      const bytes = Buffer.byteLength(packet);
      if (bytes > maxPayload) throw tooLargeForBus(subject, bytes, maxPayload);
    }
    let raw: string;
    try {
      const msg = await this.nc.request(subject, packet, { timeout: opts?.timeoutMs ?? this.defaultTimeoutMs, headers: traceHeaders() });
      raw = msg.string();
    } catch (err) {
      if (isUnanswered(err)) throw serviceUnavailable(subject);
      throw err;
    }
    return unwrap<RpcResult<S>>(subject, raw);
  }

  /** Waits for pending requests to settle, then closes the connection. */
  async close(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.drain();
  }
}

function unwrap<R>(subject: string, raw: string): R {
  const packet = decodeNestResponse<RpcReply<R>>(raw);
  if (packet.err !== undefined && packet.err !== null) {
    // Only a handler that threw outside `rpcReply` (or an RpcException) gets here.
    if (isWireError(packet.err)) throw DomainError.fromWire(packet.err);
    logger.error(`${subject}: handler failed outside rpcReply`);
    throw new DomainError(ErrorCode.INTERNAL, 'Internal error');
  }
  const reply = packet.response;
  if (!reply || typeof reply !== 'object' || typeof reply.ok !== 'boolean') {
    logger.error(`${subject}: reply is not an RpcReply envelope`);
    throw new DomainError(ErrorCode.INTERNAL, 'Internal error');
  }
  if (!reply.ok) throw DomainError.fromWire(reply.error);
  return reply.data;
}

export interface RpcClientOptions {
  url: string;
  /** Connection name shown by the NATS server's monitoring. */
  name: string;
  /** Per-request timeout when a call gives none (default 15 000 ms, see DEFAULT_TIMEOUT_MS). */
  timeoutMs?: number;
}

export async function createRpcClient(opts: RpcClientOptions): Promise<RpcClient> {
  const nc = await connectNats(opts.url, opts.name);
  return new RpcClient(nc, opts.timeoutMs);
}
