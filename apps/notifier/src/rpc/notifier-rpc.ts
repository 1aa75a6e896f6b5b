import { Module, type Type } from '@nestjs/common';
import { DeliveriesService } from '../deliveries/deliveries.service.js';
import { EndpointsService } from '../endpoints/endpoints.service.js';
import { ScriptNotificationsController } from '../script-notifications/script-notifications.controller.js';
import { ScriptNotificationsService } from '../script-notifications/script-notifications.service.js';
import { AgentSigningSecretService } from '../webhooks/agent-signing-secret.service.js';
import { NotifierController } from './notifier.controller.js';

export interface NotifierRpcServices {
  endpoints: EndpointsService;
  deliveries: DeliveriesService;
  scriptNotifications: ScriptNotificationsService;
  agentSigningSecret: AgentSigningSecretService;
}

/**
 * The Nest module answering notifier.> in the `notifier` queue group (any replica may answer); the
 * service kit makes it the notifier's app (natsMicroservice), like every service's handlers.
 */
export function notifierRpcModule(services: NotifierRpcServices): Type<unknown> {
  @Module({
    controllers: [NotifierController, ScriptNotificationsController],
    providers: [
      { provide: EndpointsService, useValue: services.endpoints },
      { provide: DeliveriesService, useValue: services.deliveries },
      { provide: ScriptNotificationsService, useValue: services.scriptNotifications },
      { provide: AgentSigningSecretService, useValue: services.agentSigningSecret },
    ],
  })
  class NotifierRpcModule {}
  return NotifierRpcModule;
}
