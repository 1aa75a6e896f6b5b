import { Module } from '@nestjs/common';
import { OrgEventFeed } from './org-event-feed.js';
import { OrgEventsController } from './org-events.controller.js';

/** The org's public lifecycle events over SSE (issue 11), read from the LIFECYCLE stream the notifier fills. */
@Module({ controllers: [OrgEventsController], providers: [OrgEventFeed] })
export class OrgEventsHttpModule {}
