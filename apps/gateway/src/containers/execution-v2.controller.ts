import { Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Subjects, validationFailed, type AbortAgentParams, type Actor, type AgentOutputParams } from '@agentry/contracts';
import { CurrentActor } from '../http/auth.guard.js';
import { readId, readInt, readLooseBool, readString } from '../http/coerce.js';
import { Params, type RawParams } from '../http/params.decorator.js';
import { RegistryClient } from '../http/registry.client.js';
import { stopAgent } from '../scheduling/stop-agent.js';
import { ContainerLauncher } from './container-launcher.service.js';
import { readV2Launch } from './launch-params.js';
import { v2AgentOutput } from './shapes/v2-container.shape.js';

const PREV_STATUSES = ['starting', 'running', 'finished', 'unknown', 'launch error', 'never launched'];
/** A popular integration sends the misspelling `lauch error`: read as `launch error`. */
const PREV_STATUS_SPELLINGS: Record<string, string> = { 'lauch error': 'launch error' };

/** v2 launch, launch-sync, stop and fetch-output (bare JSON, string ids, ms). */
@Controller('api/v2/agents')
export class ExecutionV2Controller {
  constructor(
    private readonly launcher: ContainerLauncher,
    private readonly client: RegistryClient,
  ) {}

  @Post('launch')
  @HttpCode(200)
  async launch(@CurrentActor() actor: Actor, @Params() p: RawParams, @Req() request: FastifyRequest) {
    const { containerId } = await this.launcher.launch(actor, readV2Launch(request, p));
    return { containerId: String(containerId) };
  }

  @Post('launch-sync')
  launchSync(@CurrentActor() actor: Actor, @Params() p: RawParams, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    return this.launcher.launchAndStream(actor, readV2Launch(request, p), reply, 'launch-sync', { includeLogs: readLooseBool(p, 'includeLogs') ?? false });
  }

  /**
   * Stops the agent's running and queued containers (one with `containerId`). `softAbort` lets the
   * script notice before the hard kill; `cascadeToAllSlaves` also stops the agents chained after it;
   * `switchToManualLaunch` then turns it manual. `dontLaunchSoon` is accepted: nothing launches
   * soon beyond the queued containers this aborts.
   */
  @Post('stop')
  @HttpCode(200)
  async stop(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    const abort: AbortAgentParams = { agentId: readId(p, 'id')!, soft: readLooseBool(p, 'softAbort') ?? false };
    const containerId = readId(p, 'containerId', { required: false });
    if (containerId !== undefined) abort.containerId = containerId;
    readLooseBool(p, 'dontLaunchSoon');
    const stopped = await stopAgent(this.client, actor, {
      abort,
      cascadeToFollowers: readLooseBool(p, 'cascadeToAllSlaves') ?? false,
      switchToManualLaunch: readLooseBool(p, 'switchToManualLaunch') ?? false,
    });
    return { containerIds: stopped.map(String) };
  }

  /** The most recent container's output since `fromOutputPos` and its runtime events since `prevRuntimeEventIndex`. */
  @Get('fetch-output')
  async fetchOutput(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    const prevContainerId = readId(p, 'prevContainerId', { required: false });
    const sent = readString(p, 'prevStatus');
    const prevStatus = sent === undefined ? undefined : (PREV_STATUS_SPELLINGS[sent] ?? sent);
    if (prevStatus !== undefined && !PREV_STATUSES.includes(prevStatus)) {
      throw validationFailed([{ field: 'prevStatus', message: `must be one of: ${PREV_STATUSES.join(', ')}` }]);
    }
    const params: AgentOutputParams = {
      agentId: readId(p, 'id')!,
      mode: 'most-recent',
      fromOutputPos: readInt(p, 'fromOutputPos', { min: 0 }) ?? 0,
      fromMessageId: 0,
    };
    if (prevContainerId !== undefined) params.containerId = prevContainerId;
    const result = await this.client.call(Subjects.output.agentOutput, actor, params);
    return v2AgentOutput(result, { containerId: prevContainerId, runtimeEventIndex: readInt(p, 'prevRuntimeEventIndex', { min: 0 }) ?? 0 });
  }
}
