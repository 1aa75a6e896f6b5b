import type { Type } from '@nestjs/common';
import { AccountsHttpModule } from './accounts/accounts.module.js';
import { ScriptsHttpModule } from './scripts/scripts.module.js';
import { AgentsHttpModule } from './agents/agents.module.js';
import { ContainersHttpModule } from './containers/containers.module.js';
import { SchedulingHttpModule } from './scheduling/scheduling.module.js';
import { OutOfScopeHttpModule } from './out-of-scope/out-of-scope.controller.js';
import { WebhooksHttpModule } from './webhooks/webhooks.module.js';
import { OrgEventsHttpModule } from './org-events/org-events.module.js';
import { OpenApiHttpModule } from './openapi/openapi.module.js';
import { ConsoleHttpModule } from './console/console.module.js';

/** Every group of HTTP routes the gateway serves. */
export const gatewayFeatures: Type<unknown>[] = [
  AccountsHttpModule,
  ScriptsHttpModule,
  AgentsHttpModule,
  ContainersHttpModule,
  SchedulingHttpModule,
  WebhooksHttpModule,
  OrgEventsHttpModule,
  OpenApiHttpModule,
  OutOfScopeHttpModule,
  ConsoleHttpModule,
];
