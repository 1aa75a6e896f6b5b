import { Controller, Get, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { validationFailed, type Actor } from '@agentry/contracts';
import { isLifecycleEventType, LIFECYCLE_EVENT_TYPES, type LifecycleEventType } from '@agentry/events';
import { CurrentActor } from '../http/auth.guard.js';
import { readId } from '../http/coerce.js';
import { Params, type RawParams } from '../http/params.decorator.js';
import { readLastEventId } from '../containers/launch-params.js';
import { failureMessage, HttpStream } from '../containers/streams/http-stream.js';
import { OrgEventFeed } from './org-event-feed.js';

/** A comment line this often keeps proxies from closing an idle stream. */
export const ORG_EVENTS_KEEPALIVE_MS = 15_000;

/** `types`: a comma-separated list (query string) or an array (JSON body); every entry a known type. */
function readTypes(p: RawParams): Set<LifecycleEventType> | null {
  const raw = p.types;
  if (raw === undefined || raw === null || raw === '') return null;
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : null;
  if (!list) throw validationFailed([{ field: 'types', message: 'must be a comma-separated list of event types' }]);
  const types = new Set<LifecycleEventType>();
  for (const entry of list) {
    const type = typeof entry === 'string' ? entry.trim() : entry;
    if (!isLifecycleEventType(type)) throw validationFailed([{ field: 'types', message: `must name event types among ${LIFECYCLE_EVENT_TYPES.join(', ')}` }]);
    types.add(type);
  }
  return types;
}

/** One SSE message: id = stream sequence, event = the type, data = the public event (JSON has no raw newlines). */
const sseMessage = (sequence: number, type: string, json: string): string => `id: ${sequence}\nevent: ${type}\ndata: ${json}\n\n`;

/**
 * `GET /api/v2/orgs/events`: the caller's org lifecycle events as Server-Sent Events (docs/api/events.md),
 * for clients that cannot reach NATS. Without `Last-Event-ID` it starts after the org's newest event; with
 * it, right after that sequence, so a reconnecting EventSource misses nothing and sees nothing twice.
 */
@Controller('api/v2/orgs')
export class OrgEventsController {
  constructor(private readonly feed: OrgEventFeed) {}

  @Get('events')
  async events(@CurrentActor() actor: Actor, @Params() p: RawParams, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const types = readTypes(p);
    const agentId = readId(p, 'agentId', { required: false });
    const after = readLastEventId(request) ?? (await this.feed.lastSequence(actor.orgId));
    const stream = HttpStream.take(reply);
    stream.start(200, 'text/event-stream; charset=utf-8');
    const stopKeepAlive = stream.every(ORG_EVENTS_KEEPALIVE_MS, () => ': keep-alive\n\n');
    const org = String(actor.orgId);
    try {
      await stream.write(`retry: 2000\n: org ${org} events after ${after}\n\n`);
      for await (const { sequence, event } of this.feed.follow(actor.orgId, after, stream.signal)) {
        // The subject already names the org; the envelope must agree (a misaddressed event is never shown).
        if (event.orgId !== org) continue;
        if (types && !types.has(event.type)) continue;
        if (agentId !== undefined && event.agentId !== String(agentId)) continue;
        await stream.write(sseMessage(sequence, event.type, JSON.stringify(event)));
      }
    } catch (error) {
      await stream.write(`: error ${failureMessage(error).replace(/[\r\n]+/g, ' ')}\n\n`);
    } finally {
      stopKeepAlive();
      stream.end();
    }
  }
}
