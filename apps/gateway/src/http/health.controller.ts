import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { NatsConnection } from '@nats-io/transport-node';
import { natsCheck, runHealthChecks, type HealthReport } from '@agentry/service-kit';
import { Public } from './auth.guard.js';
import { NATS_CONNECTION } from './nats-connection.js';

/**
 * Liveness (`/livez`: the process answers) and readiness (`/readyz`, and `/health` for existing
 * probes: NATS answers a PING within a second — every request needs it). 503 names what failed.
 */
@Controller()
export class HealthController {
  constructor(@Inject(NATS_CONNECTION) private readonly nats: NatsConnection) {}

  @Public()
  @Get('livez')
  live(): HealthReport {
    return { status: 'ok', checks: {} };
  }

  @Public()
  @Get(['readyz', 'health'])
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthReport> {
    const report = await runHealthChecks([natsCheck(this.nats)]);
    reply.status(report.status === 'ok' ? 200 : 503).header('cache-control', 'no-store');
    // Like every 503 of the API: when to ask again.
    if (report.status !== 'ok') reply.header('retry-after', '5');
    return report;
  }
}
