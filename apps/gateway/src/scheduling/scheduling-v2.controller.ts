import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { LaunchType, Subjects, type Actor, type LaunchAgentParams, type SaveAgentParams } from '@agentry/contracts';
import { CurrentActor } from '../http/auth.guard.js';
import { readId, readInt } from '../http/coerce.js';
import { Params, type RawParams } from '../http/params.decorator.js';
import { RegistryClient } from '../http/registry.client.js';
import { toV2Id } from '../http/shapes.js';
import { agentNextLaunchDates, DEFAULT_NEXT_LAUNCH_DATES, MAX_NEXT_LAUNCH_DATES } from './next-launch-dates.js';

const MAX_LAUNCH_SOON_MINUTES = 24 * 60;

/** v2 scheduling endpoints: unschedule-all, launch-soon, next-launch-dates (bare JSON, string ids, ms). */
@Controller('api/v2/agents')
export class SchedulingV2Controller {
  constructor(private readonly client: RegistryClient) {}

  /** Every agent of the org that launches by itself (repeatedly, once, after an agent) turns manual: a new version each. */
  @Post('unschedule-all')
  @HttpCode(200)
  async unscheduleAll(@CurrentActor() actor: Actor) {
    const { agents } = await this.client.call(Subjects.agents.fetchAll, actor, {});
    const scheduled = agents.filter((a) => a.status === 'active' && a.settings.launchType !== LaunchType.manually);
    const unscheduled: string[] = [];
    for (const agent of scheduled) {
      const params: SaveAgentParams = { fields: { id: agent.id, launchType: LaunchType.manually } };
      await this.client.call(Subjects.agents.save, actor, params);
      unscheduled.push(String(agent.id));
    }
    return { nbUnscheduled: unscheduled.length, agentIds: unscheduled };
  }

  /** One launch of the agent in `minutes` (0 = now): queued at once, started when its time comes. */
  @Post('launch-soon')
  @HttpCode(200)
  async launchSoon(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    const agentId = readId(p, 'id')!;
    const minutes = readInt(p, 'minutes', { required: true, min: 0, max: MAX_LAUNCH_SOON_MINUTES })!;
    const params: LaunchAgentParams = { agentId, launchType: 'user api call', notBefore: Date.now() + minutes * 60_000 };
    const launched = await this.client.call(Subjects.executor.launch, actor, params);
    return { containerId: String(launched.containerId), launchAt: params.notBefore };
  }

  /** The next planned launches of an agent's schedule (`count`, default 5), so users can check it. */
  @Get('next-launch-dates')
  async nextLaunchDates(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    const id = readId(p, 'id')!;
    const count = readInt(p, 'count', { required: false, min: 1, max: MAX_NEXT_LAUNCH_DATES }) ?? DEFAULT_NEXT_LAUNCH_DATES;
    const agent = await this.client.call(Subjects.agents.fetch, actor, { id });
    return { id: toV2Id(id), nextLaunchDates: await agentNextLaunchDates(this.client, actor, agent, count) };
  }
}
