import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, ErrorCode, type WireError } from '@agentry/contracts';
import { errorBody, generationOf, statusOf } from './error-shapes.js';

const logger = new Logger('HttpErrors');

const HTTP_STATUS_CODES: Record<number, ErrorCode> = {
  400: ErrorCode.VALIDATION_FAILED,
  401: ErrorCode.UNAUTHENTICATED,
  403: ErrorCode.FORBIDDEN,
  404: ErrorCode.NOT_FOUND,
  409: ErrorCode.CONCURRENCY_CONFLICT,
  413: ErrorCode.PAYLOAD_TOO_LARGE,
  429: ErrorCode.RATE_LIMITED,
  503: ErrorCode.SERVICE_UNAVAILABLE,
};

/** Every 503 tells the client when to retry, whoever produced it. */
const DEFAULT_RETRY_AFTER_SECONDS = 5;

/** Fastify / Nest errors carry a status; turn them into the same wire form domain errors use. */
function toWire(error: unknown, request: FastifyRequest): { status: number; wire: WireError } {
  if (error instanceof DomainError) return { status: statusOf(error.code), wire: error.toWire() };
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const message = status === 404 ? `Not found: ${request.method} ${request.url.split('?')[0]}` : (error.message ?? 'Request failed');
    return { status, wire: { code: HTTP_STATUS_CODES[status] ?? ErrorCode.INTERNAL, message } };
  }
  const status = (error as { statusCode?: number }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, wire: { code: HTTP_STATUS_CODES[status] ?? ErrorCode.VALIDATION_FAILED, message: clientMessage(error, status) } };
  }
  logger.error(`${request.method} ${request.url.split('?')[0]} failed: ${error instanceof Error ? error.stack : String(error)}`);
  return { status: 500, wire: { code: ErrorCode.INTERNAL, message: 'Internal error' } };
}

/** Fastify's own messages for body errors, made to say what to send instead. */
function clientMessage(error: unknown, status: number): string {
  const code = (error as { code?: string }).code;
  if (status === 413 || code === 'FST_ERR_CTP_BODY_TOO_LARGE') return 'Request body is too large';
  if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError) return 'Malformed JSON body: send valid JSON or a form-urlencoded body';
  if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'Empty JSON body: send a JSON object or omit the Content-Type header';
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return 'Unsupported Content-Type: send application/json or application/x-www-form-urlencoded';
  return (error as Error).message ?? 'Bad request';
}

/** Renders any failure in the error shape of the API generation the client called. */
export function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const { status, wire } = toWire(error, request);
  if (reply.sent) return;
  const retryAfter = wire.retryAfterSeconds ?? (status === 503 ? DEFAULT_RETRY_AFTER_SECONDS : undefined);
  if (retryAfter !== undefined) reply.header('Retry-After', String(retryAfter));
  reply
    .status(status)
    .type('application/json; charset=utf-8')
    .send(errorBody(generationOf(request.method, request.url), wire));
}

@Catch()
export class ApiErrorFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendError(error, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
  }
}
