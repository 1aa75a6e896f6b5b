import { Module, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { QueueGroups } from '@agentry/contracts';
import { natsMicroserviceOptions, RpcLogContextInterceptor } from '@agentry/messaging';
import { DeliveriesService } from '../deliveries/deliveries.service.js';
import { EndpointsService } from '../endpoints/endpoints.service.js';
import { ScriptNotificationsController } from '../script-notifications/script-notifications.controller.js';
import { ScriptNotificationsService } from '../script-notifications/script-notifications.service.js';
import { NotifierController } from './notifier.controller.js';

export interface NotifierRpcDeps {
  natsUrl: string;
  endpoints: EndpointsService;
  deliveries: DeliveriesService;
  scriptNotifications: ScriptNotificationsService;
  /**
   * The service's logger. Never `false`: Nest applies an app's logger option to the process-wide
   * Logger, so `logger: false` here silenced every later line of the notifier (its ready line too).
   */
  logger: LoggerService;
}

/** Answers notifier.> in the `notifier` queue group (any replica may answer). */
export async function startNotifierRpc(deps: NotifierRpcDeps): Promise<{ close(): Promise<void> }> {
  @Module({
    controllers: [NotifierController, ScriptNotificationsController],
    providers: [
      { provide: EndpointsService, useValue: deps.endpoints },
      { provide: DeliveriesService, useValue: deps.deliveries },
      { provide: ScriptNotificationsService, useValue: deps.scriptNotifications },
    ],
  })
  class NotifierRpcModule {}
  const app = await NestFactory.createMicroservice(NotifierRpcModule, {
    ...natsMicroserviceOptions({ url: deps.natsUrl, queue: QueueGroups.notifier, name: 'notifier' }),
    logger: deps.logger,
  });
  app.useGlobalInterceptors(new RpcLogContextInterceptor('notifier'));
  await app.listen();
  return { close: () => app.close() };
}
