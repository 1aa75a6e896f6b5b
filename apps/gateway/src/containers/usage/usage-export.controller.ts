import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Subjects, type Actor, type AgentView, type ContainerView, type ListContainersParams } from '@agentry/contracts';
import { CurrentActor } from '../../http/auth.guard.js';
import { readId, readInt } from '../../http/coerce.js';
import { Params, type RawParams } from '../../http/params.decorator.js';
import { RegistryClient } from '../../http/registry.client.js';
import { agentUsageCsv, containerUsageCsv } from './usage-csv.js';

const DAY_MS = 86_400_000;
/** The output service answers at most this many containers per agent and request. */
const CONTAINERS_PER_AGENT = 1000;

/**
 * v2 `orgs/export-agent-usage` and `orgs/export-container-usage` (`days` required, 1 to 365):
 * CSV built from the container history (at most the 1000 most recent containers of each agent).
 */
@Controller('api/v2/orgs')
export class UsageExportController {
  constructor(private readonly client: RegistryClient) {}

  @Get('export-agent-usage')
  async agentUsage(@CurrentActor() actor: Actor, @Params() p: RawParams, @Res({ passthrough: true }) reply: FastifyReply) {
    const since = Date.now() - readInt(p, 'days', { required: true, min: 1, max: 365 })! * DAY_MS;
    const agents = await this.agents(actor);
    const containersOf = new Map<number, ContainerView[]>();
    for (const agent of agents) containersOf.set(agent.id, await this.containersSince(actor, agent.id, since));
    return this.send(reply, 'agent-usage.csv', agentUsageCsv(agents, containersOf));
  }

  @Get('export-container-usage')
  async containerUsage(@CurrentActor() actor: Actor, @Params() p: RawParams, @Res({ passthrough: true }) reply: FastifyReply) {
    const since = Date.now() - readInt(p, 'days', { required: true, min: 1, max: 365 })! * DAY_MS;
    const agentId = readId(p, 'agentId', { required: false });
    const agents = agentId === undefined ? await this.agents(actor) : [await this.client.call(Subjects.agents.fetch, actor, { id: agentId })];
    const containers: ContainerView[] = [];
    for (const agent of agents) containers.push(...(await this.containersSince(actor, agent.id, since)));
    containers.sort((a, b) => b.queuedAt - a.queuedAt);
    return this.send(reply, 'container-usage.csv', containerUsageCsv(containers, new Map(agents.map((a) => [a.id, a.settings.name]))));
  }

  private async agents(actor: Actor): Promise<AgentView[]> {
    return (await this.client.call(Subjects.agents.fetchAll, actor, {})).agents;
  }

  private async containersSince(actor: Actor, agentId: number, since: number): Promise<ContainerView[]> {
    const params: ListContainersParams = { agentId, limit: CONTAINERS_PER_AGENT };
    const { containers } = await this.client.call(Subjects.output.listContainers, actor, params);
    return containers.filter((c) => c.queuedAt >= since);
  }

  private send(reply: FastifyReply, name: string, body: string): string {
    reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}"`);
    return body;
  }
}
