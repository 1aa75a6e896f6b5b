import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '@agentry/contracts';
import type { AgentReadCache } from './agent-read-cache.js';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** The v1 API launches and aborts on a GET too (`/api/v1/agent/{id}/launch`, `…/abort[.json]`). */
const WRITING_GET = /\/(launch|abort(\.json)?)$/;

const isWrite = (request: FastifyRequest): boolean => !READ_METHODS.has(request.method) || WRITING_GET.test(request.routeOptions.url ?? '');

/**
 * Read-your-writes on this replica: any write of an org that goes through it (save, delete, retire,
 * rollback, launch, abort, schedule changes, scripts…; answered or refused) drops the org's cached agent
 * reads, and the fills in flight, before its answer is sent. Writes are few beside reads, so a whole org
 * is dropped rather than keeping a list of which route changes which agent, which new routes would outgrow.
 * Registry writes answer once the registry's read model has them, so the next read is fresh. A streamed
 * answer (blocking launches) is hijacked past Fastify's hooks: its run's own relayed events drop the agent.
 */
export function forgetAgentReadsOnWrites(fastify: FastifyInstance, cache: AgentReadCache): void {
  if (!cache.enabled) return;
  fastify.addHook('onSend', (request, _reply, payload, done) => {
    const actor = (request as FastifyRequest & { actor?: Actor }).actor;
    if (actor && isWrite(request)) cache.orgWritten(actor.orgId);
    done(null, payload);
  });
}
