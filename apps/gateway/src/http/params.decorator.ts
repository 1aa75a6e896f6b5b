import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

export type RawParams = Record<string, unknown>;

/** Query string, body (JSON or form-urlencoded) and route params as one object; route params win. */
export function mergedParams(request: FastifyRequest): RawParams {
  const body = request.body && typeof request.body === 'object' && !Array.isArray(request.body) ? request.body : {};
  return { ...(request.query as RawParams), ...(body as RawParams), ...(request.params as RawParams) };
}

export const Params = createParamDecorator((_: unknown, ctx: ExecutionContext): RawParams => mergedParams(ctx.switchToHttp().getRequest<FastifyRequest>()));
