import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { validationFailed, type FieldError } from '@agentry/contracts';
import { sendError } from './error.filter.js';
import { NOT_UTF8, refuse, urlProblems } from './request-text.js';

/** Headers that carry a key or an org: keys are printable ASCII, so anything else is refused by name. */
const KEY_HEADERS = ['x-phantombuster-key-1', 'x-phantombuster-key', 'authorization', 'x-phantombuster-org'] as const;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

function keyHeaderProblems(request: FastifyRequest): FieldError[] {
  const problems: FieldError[] = [];
  for (const name of KEY_HEADERS) {
    const value = request.headers[name];
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
      if (!PRINTABLE_ASCII.test(v)) problems.push({ field: name, message: 'must be printable ASCII' });
    }
  }
  return problems;
}

/**
 * Checks every request before routing to a handler, auth included: the path, the query string
 * and the key headers must be text the platform can store (request-text.ts), else 400 naming the
 * field. Also marks every response `nosniff`, set on the raw response so streamed (hijacked)
 * answers carry it too.
 */
export function addEdgeHooks(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', async (request, reply) => {
    reply.raw.setHeader('x-content-type-options', 'nosniff');
    refuse([...urlProblems(request.url), ...keyHeaderProblems(request)]);
  });
}

/**
 * Fastify's own URL errors (a path segment it can't percent-decode, e.g. `%FF`) in the API's error
 * shape, as a 400 naming the path, instead of Fastify's default JSON.
 */
export function frameworkErrors(error: Error & { code?: string }, request: FastifyRequest, reply: FastifyReply): void {
  if (error.code === 'FST_ERR_BAD_URL') sendError(validationFailed([{ field: 'path', message: NOT_UTF8 }]), request, reply);
  else sendError(error, request, reply);
}
