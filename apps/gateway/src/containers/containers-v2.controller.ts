import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  Subjects,
  validationFailed,
  type Actor,
  type ContainerOutputParams,
  type FetchContainerParams,
  type FetchContainerResult,
  type ListContainersParams,
} from '@agentry/contracts';
import { CurrentActor } from '../http/auth.guard.js';
import { readFlag, readId, readInt, readString } from '../http/coerce.js';
import { Params, type RawParams } from '../http/params.decorator.js';
import { RegistryClient } from '../http/registry.client.js';
import { ContainerLauncher } from './container-launcher.service.js';
import { v2Container, v2RunningContainer } from './shapes/v2-container.shape.js';

const LIST_MODES = ['all', 'finalized'] as const;

/** v2 container records, their output and result objects, and the org's running containers. */
@Controller('api/v2')
export class ContainersV2Controller {
  constructor(
    private readonly client: RegistryClient,
    private readonly launcher: ContainerLauncher,
  ) {}

  /** The container's output as it is printed (text/plain, chunked), until it ends. */
  @Get('containers/attach')
  attach(@CurrentActor() actor: Actor, @Params() p: RawParams, @Res() reply: FastifyReply) {
    return this.launcher.attach(actor, readId(p, 'id')!, reply);
  }

  /** The `with*` flags are read liberally (`withResultObject=2` is true): the document types them as loose strings. */
  @Get('containers/fetch')
  async fetch(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    const params: FetchContainerParams = {
      containerId: readId(p, 'id')!,
      withResultObject: readFlag(p, 'withResultObject'),
      withOutput: readFlag(p, 'withOutput'),
      withRuntimeEvents: readFlag(p, 'withRuntimeEvents'),
      withNewerAndOlderContainerId: readFlag(p, 'withNewerAndOlderContainerId'),
    };
    return v2Container(await this.client.call(Subjects.output.fetchContainer, actor, params));
  }

  /** The agent's containers, newest first; `withRuntimeEvents` reads each one's events. */
  @Get('containers/fetch-all')
  async fetchAll(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    const params: ListContainersParams = { agentId: readId(p, 'agentId')! };
    const limit = readInt(p, 'limit', { min: 1, max: 1000 });
    if (limit !== undefined) params.limit = limit;
    const mode = readString(p, 'mode');
    if (mode !== undefined) {
      if (!(LIST_MODES as readonly string[]).includes(mode)) throw validationFailed([{ field: 'mode', message: `must be one of: ${LIST_MODES.join(', ')}` }]);
      params.mode = mode as ListContainersParams['mode'];
    }
    const beforeEndedAt = readInt(p, 'beforeEndedAt', { min: 0 });
    if (beforeEndedAt !== undefined) params.beforeEndedAt = beforeEndedAt;
    const withRuntimeEvents = readFlag(p, 'withRuntimeEvents');

    const { containers, maxLimitReached } = await this.client.call(Subjects.output.listContainers, actor, params);
    const records: FetchContainerResult[] = withRuntimeEvents
      ? await Promise.all(containers.map((c) => this.client.call(Subjects.output.fetchContainer, actor, { containerId: c.id, withRuntimeEvents: true })))
      : containers;
    return { maxLimitReached, containers: records.map(v2Container) };
  }

  /** The whole console output stored so far (from `fromOutputPos`); `raw=true` answers it as text/plain. */
  @Get('containers/fetch-output')
  async fetchOutput(@CurrentActor() actor: Actor, @Params() p: RawParams, @Res({ passthrough: true }) reply: FastifyReply) {
    const containerId = readId(p, 'id')!;
    const raw = readFlag(p, 'raw') || readString(p, 'mode') === 'raw';
    let position = readInt(p, 'fromOutputPos', { min: 0 }) ?? 0;
    const pieces: string[] = [];
    for (;;) {
      const params: ContainerOutputParams = { containerId, fromOutputPos: position };
      const read = await this.client.call(Subjects.output.containerOutput, actor, params);
      if (read.outputPos <= position) break;
      pieces.push(read.output);
      position = read.outputPos;
      if (read.complete) break;
    }
    const output = pieces.join('');
    if (!raw) return { output, outputPos: position };
    reply.type('text/plain; charset=utf-8');
    return output;
  }

  @Get('containers/fetch-result-object')
  async fetchResultObject(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    const params: FetchContainerParams = { containerId: readId(p, 'id')!, withResultObject: true };
    const record = await this.client.call(Subjects.output.fetchContainer, actor, params);
    return { resultObject: record.resultObject ?? null };
  }

  @Get('orgs/fetch-running-containers')
  async runningContainers(@CurrentActor() actor: Actor) {
    const { containers } = await this.client.call(Subjects.output.runningContainers, actor, {});
    return { containers: containers.map(v2RunningContainer) };
  }
}
