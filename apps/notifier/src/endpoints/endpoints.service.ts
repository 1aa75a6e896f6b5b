import { randomBytes } from 'node:crypto';
import {
  DomainError,
  ErrorCode,
  forbidden,
  notFound,
  Role,
  type Actor,
  type CreateWebhookEndpointParams,
  type FieldError,
  type RequestEnvelope,
  type RotateWebhookSecretParams,
  type UpdateWebhookEndpointParams,
  type WebhookEndpointIdParams,
  type WebhookEndpointView,
  type WebhookEndpointWithSecret,
} from '@agentry/contracts';
import { endpointSigningSecret } from '../webhooks/signing.js';
import { isEndpointId, readDescription, readEnabled, readEndpointUrl, readEventTypes, readGraceSeconds, throwIfProblems } from './endpoint-input.js';
import { endpointView, type EndpointChanges, type StoredEndpoint, type WebhookEndpoints } from './webhook-endpoints.js';

/** Endpoints an org may register: enough for its systems, bounded so one org cannot fan each end out without limit. */
export const MAX_ENDPOINTS_PER_ORG = 20;

export interface EndpointsServiceDeps {
  endpoints: WebhookEndpoints;
  secretKey: Buffer;
  privateDestinations: 'refuse' | 'allow';
  now?: () => number;
}

/** Endpoints are the org's outbound trust (where its data goes, who holds its secrets): its admins manage them. */
export function requireOrgAdmin(actor: Actor | undefined): Actor {
  if (!actor || !actor.roles.includes(Role.ORG_ADMIN)) throw forbidden('managing webhooks needs the org:admin role');
  return actor;
}

/** Create / list / fetch / update / delete / rotate an org's webhook endpoints. */
export class EndpointsService {
  private readonly now: () => number;
  constructor(private readonly deps: EndpointsServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  private withSecret(e: StoredEndpoint): WebhookEndpointWithSecret {
    return { ...endpointView(e), secret: endpointSigningSecret(this.deps.secretKey, e.id, e.secretGeneration) };
  }

  private async own(actor: Actor, id: unknown): Promise<StoredEndpoint> {
    const found = isEndpointId(id) ? await this.deps.endpoints.find(actor.orgId, id) : null;
    if (!found) throw notFound('webhook endpoint');
    return found;
  }

  async create({ actor, params }: RequestEnvelope<CreateWebhookEndpointParams>): Promise<WebhookEndpointWithSecret> {
    requireOrgAdmin(actor);
    const p = params ?? ({} as CreateWebhookEndpointParams);
    const problems: FieldError[] = [];
    const url = readEndpointUrl(p.url, this.deps.privateDestinations, problems);
    const eventTypes = p.eventTypes === undefined ? (['container.ended'] as const).slice() : readEventTypes(p.eventTypes, problems);
    const description = p.description === undefined ? '' : readDescription(p.description, problems);
    const enabled = p.enabled === undefined ? true : readEnabled(p.enabled, problems);
    throwIfProblems(problems);
    if ((await this.deps.endpoints.countOf(actor.orgId)) >= MAX_ENDPOINTS_PER_ORG) {
      throw new DomainError(ErrorCode.PLAN_LIMIT_REACHED, `an org has at most ${MAX_ENDPOINTS_PER_ORG} webhook endpoints`);
    }
    const created = await this.deps.endpoints.create(
      { id: `ep_${randomBytes(12).toString('hex')}`, orgId: actor.orgId, url: url!, description: description!, eventTypes: eventTypes!, enabled: enabled! },
      this.now(),
    );
    return this.withSecret(created);
  }

  async list({ actor }: RequestEnvelope<unknown>): Promise<{ endpoints: WebhookEndpointView[] }> {
    requireOrgAdmin(actor);
    return { endpoints: (await this.deps.endpoints.list(actor.orgId)).map(endpointView) };
  }

  async fetch({ actor, params }: RequestEnvelope<WebhookEndpointIdParams>): Promise<WebhookEndpointView> {
    requireOrgAdmin(actor);
    return endpointView(await this.own(actor, params?.id));
  }

  async update({ actor, params }: RequestEnvelope<UpdateWebhookEndpointParams>): Promise<WebhookEndpointView> {
    requireOrgAdmin(actor);
    const p = params ?? ({} as UpdateWebhookEndpointParams);
    const problems: FieldError[] = [];
    const changes: EndpointChanges = {};
    if (p.url !== undefined) changes.url = readEndpointUrl(p.url, this.deps.privateDestinations, problems);
    if (p.eventTypes !== undefined) changes.eventTypes = readEventTypes(p.eventTypes, problems);
    if (p.description !== undefined) changes.description = readDescription(p.description, problems);
    if (p.enabled !== undefined) changes.enabled = readEnabled(p.enabled, problems);
    throwIfProblems(problems);
    await this.own(actor, p.id);
    const updated = await this.deps.endpoints.update(actor.orgId, p.id, changes, this.now());
    if (!updated) throw notFound('webhook endpoint');
    return endpointView(updated);
  }

  async delete({ actor, params }: RequestEnvelope<WebhookEndpointIdParams>): Promise<{ id: string; deleted: true }> {
    requireOrgAdmin(actor);
    const { id } = await this.own(actor, params?.id);
    if (!(await this.deps.endpoints.delete(actor.orgId, id, this.now()))) throw notFound('webhook endpoint');
    return { id, deleted: true };
  }

  /**
   * A new secret, answered once; the previous one keeps signing beside it (two `v1,` signatures) for
   * `graceSeconds`, so receivers can switch without dropping a delivery.
   */
  async rotate({ actor, params }: RequestEnvelope<RotateWebhookSecretParams>): Promise<WebhookEndpointWithSecret> {
    requireOrgAdmin(actor);
    const problems: FieldError[] = [];
    const grace = readGraceSeconds(params?.graceSeconds, problems);
    throwIfProblems(problems);
    const { id } = await this.own(actor, params?.id);
    const now = this.now();
    const rotated = await this.deps.endpoints.rotate(actor.orgId, id, now + grace * 1000, now);
    if (!rotated) throw notFound('webhook endpoint');
    return this.withSecret(rotated);
  }
}
