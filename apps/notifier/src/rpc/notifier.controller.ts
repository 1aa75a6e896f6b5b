import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { rpcReply } from '@agentry/messaging';
import {
  Subjects,
  type CreateWebhookEndpointParams,
  type ListDeliveriesParams,
  type RedeliverParams,
  type RequestEnvelope,
  type RotateWebhookSecretParams,
  type UpdateWebhookEndpointParams,
  type WebhookEndpointIdParams,
} from '@agentry/contracts';
import { DeliveriesService } from '../deliveries/deliveries.service.js';
import { EndpointsService } from '../endpoints/endpoints.service.js';
import { AgentSigningSecretService } from '../webhooks/agent-signing-secret.service.js';

/** The notifier's request/reply subjects (notifier.>): org endpoints, the delivery log and the agent-webhook signing secret. */
@Controller()
export class NotifierController {
  constructor(
    @Inject(EndpointsService) private readonly endpoints: EndpointsService,
    @Inject(DeliveriesService) private readonly deliveries: DeliveriesService,
    @Inject(AgentSigningSecretService) private readonly agentSigningSecret: AgentSigningSecretService,
  ) {}

  @MessagePattern(Subjects.webhooks.createEndpoint)
  create(@Payload() e: RequestEnvelope<CreateWebhookEndpointParams>) {
    return rpcReply(() => this.endpoints.create(e));
  }

  @MessagePattern(Subjects.webhooks.listEndpoints)
  list(@Payload() e: RequestEnvelope<unknown>) {
    return rpcReply(() => this.endpoints.list(e));
  }

  @MessagePattern(Subjects.webhooks.fetchEndpoint)
  fetch(@Payload() e: RequestEnvelope<WebhookEndpointIdParams>) {
    return rpcReply(() => this.endpoints.fetch(e));
  }

  @MessagePattern(Subjects.webhooks.updateEndpoint)
  update(@Payload() e: RequestEnvelope<UpdateWebhookEndpointParams>) {
    return rpcReply(() => this.endpoints.update(e));
  }

  @MessagePattern(Subjects.webhooks.deleteEndpoint)
  delete(@Payload() e: RequestEnvelope<WebhookEndpointIdParams>) {
    return rpcReply(() => this.endpoints.delete(e));
  }

  @MessagePattern(Subjects.webhooks.rotateSecret)
  rotate(@Payload() e: RequestEnvelope<RotateWebhookSecretParams>) {
    return rpcReply(() => this.endpoints.rotate(e));
  }

  @MessagePattern(Subjects.webhooks.listDeliveries)
  listDeliveries(@Payload() e: RequestEnvelope<ListDeliveriesParams>) {
    return rpcReply(() => this.deliveries.list(e));
  }

  @MessagePattern(Subjects.webhooks.redeliver)
  redeliver(@Payload() e: RequestEnvelope<RedeliverParams>) {
    return rpcReply(() => this.deliveries.redeliver(e));
  }

  @MessagePattern(Subjects.webhooks.agentSigningSecret)
  agentWebhookSecret(@Payload() e: RequestEnvelope<unknown>) {
    return rpcReply(() => this.agentSigningSecret.secret(e));
  }
}
