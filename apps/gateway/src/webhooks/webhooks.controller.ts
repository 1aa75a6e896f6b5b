import { Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { Subjects, type Actor } from '@agentry/contracts';
import { CurrentActor } from '../http/auth.guard.js';
import { readId, readInt } from '../http/coerce.js';
import { Params, type RawParams } from '../http/params.decorator.js';
import { RegistryClient } from '../http/registry.client.js';

/**
 * Org webhook endpoints and the delivery log: an Agentry addition (PhantomBuster has no such API),
 * hence under /api/agentry/v1. The notifier validates and answers (docs/api/webhooks.md); this
 * controller only maps HTTP to its subjects. Query-string numbers are read here, naming the field.
 */
@Controller('api/agentry/v1/webhooks')
export class WebhooksController {
  constructor(private readonly client: RegistryClient) {}

  /** `{url, eventTypes?, description?, enabled?}` → the endpoint and its signing secret (shown this once). */
  @Post('endpoints')
  @HttpCode(201)
  create(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    return this.client.call(Subjects.webhooks.createEndpoint, actor, { url: p.url, eventTypes: p.eventTypes, description: p.description, enabled: p.enabled });
  }

  @Get('endpoints')
  list(@CurrentActor() actor: Actor) {
    return this.client.call(Subjects.webhooks.listEndpoints, actor, {});
  }

  @Get('endpoints/:id')
  fetch(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    return this.client.call(Subjects.webhooks.fetchEndpoint, actor, { id: String(p.id) });
  }

  /** Any of `{url, eventTypes, description, enabled}`; `enabled: true` re-enables an endpoint the notifier disabled. */
  @Patch('endpoints/:id')
  update(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    return this.client.call(Subjects.webhooks.updateEndpoint, actor, {
      id: String(p.id),
      url: p.url,
      eventTypes: p.eventTypes,
      description: p.description,
      enabled: p.enabled,
    });
  }

  @Delete('endpoints/:id')
  delete(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    return this.client.call(Subjects.webhooks.deleteEndpoint, actor, { id: String(p.id) });
  }

  /** `{graceSeconds?}` (default a day): a new secret, shown this once; the old one signs beside it until then. */
  @Post('endpoints/:id/rotate-secret')
  @HttpCode(200)
  rotate(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    return this.client.call(Subjects.webhooks.rotateSecret, actor, { id: String(p.id), graceSeconds: p.graceSeconds });
  }

  @Get('endpoints/:id/deliveries')
  endpointDeliveries(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    return this.client.call(Subjects.webhooks.listDeliveries, actor, { endpointId: String(p.id), limit: readInt(p, 'limit', { min: 1, max: 200 }) });
  }

  /** `?agentId=` (required): the deliveries of an agent's runs on every channel (its webhook, org endpoints, Slack, mail). */
  @Get('deliveries')
  agentDeliveries(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    return this.client.call(Subjects.webhooks.listDeliveries, actor, { agentId: readId(p, 'agentId'), limit: readInt(p, 'limit', { min: 1, max: 200 }) });
  }

  /** One more attempt now, under the same webhook-id. */
  @Post('deliveries/:id/redeliver')
  @HttpCode(200)
  redeliver(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    return this.client.call(Subjects.webhooks.redeliver, actor, { id: String(p.id) });
  }

  /** `{secret}`: the org's secret signing its agents' notifications.webhook POSTs (org admins; the key's org only). */
  @Get('agent-signing-secret')
  agentSigningSecret(@CurrentActor() actor: Actor) {
    return this.client.call(Subjects.webhooks.agentSigningSecret, actor, {});
  }
}
