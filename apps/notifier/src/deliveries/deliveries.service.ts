import {
  notFound,
  validationFailed,
  type DeliveryView,
  type FieldError,
  type ListDeliveriesParams,
  type ListDeliveriesResult,
  type RedeliverParams,
  type RequestEnvelope,
} from '@agentry/contracts';
import { isEndpointId } from '../endpoints/endpoint-input.js';
import { requireOrgAdmin } from '../endpoints/endpoints.service.js';
import type { WebhookEndpoints } from '../endpoints/webhook-endpoints.js';
import type { DeliveryLog } from './delivery-log.js';

export const DEFAULT_DELIVERIES_LIMIT = 50;
export const MAX_DELIVERIES_LIMIT = 200;

/** The delivery log as the org sees it: by endpoint or by agent, and redelivering one. */
export class DeliveriesService {
  constructor(
    private readonly log: DeliveryLog,
    private readonly endpoints: WebhookEndpoints,
    private readonly now: () => number = Date.now,
  ) {}

  async list({ actor, params }: RequestEnvelope<ListDeliveriesParams>): Promise<ListDeliveriesResult> {
    requireOrgAdmin(actor);
    const p = params ?? {};
    const problems: FieldError[] = [];
    const agentId = p.agentId === undefined ? undefined : Number(p.agentId);
    if (agentId !== undefined && (typeof p.agentId !== 'number' || !Number.isSafeInteger(agentId) || agentId < 1))
      problems.push({ field: 'agentId', message: 'must be a positive whole number' });
    const limit = p.limit === undefined ? DEFAULT_DELIVERIES_LIMIT : Number(p.limit);
    if (typeof p.limit !== 'undefined' && (typeof p.limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_DELIVERIES_LIMIT)) {
      problems.push({ field: 'limit', message: `must be a whole number from 1 to ${MAX_DELIVERIES_LIMIT}` });
    }
    if (p.endpointId === undefined && agentId === undefined && problems.length === 0) problems.push({ field: 'endpointId', message: 'or agentId is required' });
    if (problems.length) throw validationFailed(problems);
    if (p.endpointId !== undefined && !(isEndpointId(p.endpointId) && (await this.endpoints.find(actor.orgId, p.endpointId))))
      throw notFound('webhook endpoint');
    return { deliveries: await this.log.list(actor.orgId, { endpointId: p.endpointId, agentId }, limit) };
  }

  async redeliver({ actor, params }: RequestEnvelope<RedeliverParams>): Promise<DeliveryView> {
    requireOrgAdmin(actor);
    const id = params?.id;
    if (typeof id !== 'string' || !/^msg_[0-9a-f]{32}$/.test(id) || !(await this.log.redeliver(actor.orgId, id, this.now()))) throw notFound('delivery');
    return (await this.log.find(actor.orgId, id))!;
  }
}
