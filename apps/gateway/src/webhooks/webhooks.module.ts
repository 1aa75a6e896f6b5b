import { Module } from '@nestjs/common';
import { WebhooksController } from './webhooks.controller.js';

/** Org webhook endpoints and the delivery log (issue 11), answered by the notifier. */
@Module({ controllers: [WebhooksController] })
export class WebhooksHttpModule {}
