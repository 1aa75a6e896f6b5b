import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { rpcReply } from '@agentry/messaging';
import { Subjects, type RequestEnvelope, type SendScriptNotificationParams } from '@agentry/contracts';
import { ScriptNotificationsService } from './script-notifications.service.js';

/** notifier.script-notifications.send: the executor's only subject here (a script's mail() / notify()). */
@Controller()
export class ScriptNotificationsController {
  constructor(@Inject(ScriptNotificationsService) private readonly service: ScriptNotificationsService) {}

  @MessagePattern(Subjects.internal.sendScriptNotification)
  send(@Payload() e: RequestEnvelope<SendScriptNotificationParams>) {
    return rpcReply(() => this.service.send(e));
  }
}
