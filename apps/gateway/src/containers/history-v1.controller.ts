import { Controller, Get, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { READ_STORED_FILE_MAX_BYTES, Subjects, validationFailed, type Actor, type AgentOutputParams, type ListContainersParams } from '@agentry/contracts';
import { CurrentActor } from '../http/auth.guard.js';
import { readId, readInt, readString } from '../http/coerce.js';
import { Params, type RawParams } from '../http/params.decorator.js';
import { RegistryClient } from '../http/registry.client.js';
import { jsend } from '../http/shapes.js';
import { failureMessage, HttpStream } from './streams/http-stream.js';
import { storedFileHeaders } from './stored-file-headers.js';
import { v1ContainerRecord, v1Output } from './shapes/v1-container.shape.js';

const OUTPUT_MODES = ['track', 'most-recent'] as const;

/** The v1 API incremental output, container history, and the files scripts saved. */
@Controller('api/v1/agent')
export class HistoryV1Controller {
  constructor(private readonly client: RegistryClient) {}

  /** `containerId` 0 (default) → most-recent mode, else track mode; `fromMessageId` -1 (default) → no messages. */
  @Get([':id/output.json', ':id/output'])
  async output(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    const containerId = readInt(p, 'containerId', { min: 0 }) ?? 0;
    const modeText = readString(p, 'mode');
    if (modeText !== undefined && !(OUTPUT_MODES as readonly string[]).includes(modeText)) {
      throw validationFailed([{ field: 'mode', message: `must be one of: ${OUTPUT_MODES.join(', ')}` }]);
    }
    const mode = (modeText as AgentOutputParams['mode']) ?? (containerId > 0 ? 'track' : 'most-recent');
    if (mode === 'track' && containerId === 0) throw validationFailed([{ field: 'containerId', message: 'is required in track mode' }]);
    const params: AgentOutputParams = {
      agentId: readId(p, 'id')!,
      mode,
      fromOutputPos: readInt(p, 'fromOutputPos', { min: 0 }) ?? 0,
      fromMessageId: readInt(p, 'fromMessageId', { min: -1 }) ?? -1,
    };
    if (containerId > 0) params.containerId = containerId;
    return jsend(v1Output(await this.client.call(Subjects.output.agentOutput, actor, params), mode));
  }

  /** Ended containers, newest first. */
  @Get([':id/containers.json', ':id/containers'])
  async containers(@CurrentActor() actor: Actor, @Params() p: RawParams) {
    const params: ListContainersParams = { agentId: readId(p, 'id')!, mode: 'finalized' };
    const { containers } = await this.client.call(Subjects.output.listContainers, actor, params);
    return jsend(containers.map(v1ContainerRecord));
  }

  /** A file the agent's scripts saved (the URL `save()` answered), read from the executor page by page. */
  @Get(':id/storage/*')
  async storedFile(@CurrentActor() actor: Actor, @Params() p: RawParams, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const agentId = readId(p, 'id')!;
    const path = storagePathOf(request.url);
    const read = (offset: number) =>
      this.client.call(Subjects.executor.readStoredFile, actor, {
        agentId,
        path,
        offset,
        maxBytes: READ_STORED_FILE_MAX_BYTES,
      });
    const first = await read(0);
    const stream = HttpStream.take(reply);
    // Attacker-written content on the API's origin: sandboxed, never sniffed, active types downloaded.
    stream.start(200, first.contentType, { 'content-length': String(first.size), ...storedFileHeaders(path, first.contentType) });
    try {
      let page = first;
      for (;;) {
        const bytes = Buffer.from(page.data, 'base64');
        await stream.write(bytes);
        const next = page.offset + bytes.length;
        if (next >= first.size || bytes.length === 0 || stream.signal.aborted) break;
        page = await read(next);
      }
      stream.end();
    } catch (error) {
      failureMessage(error);
      stream.fail();
    }
  }
}

/** The file's path as written in the URL (percent-decoded), after `/storage/`. */
function storagePathOf(url: string): string {
  const raw = url.split('?')[0]!.split('/storage/').slice(1).join('/storage/');
  let path: string;
  try {
    path = decodeURIComponent(raw);
  } catch {
    throw validationFailed([{ field: 'path', message: 'is not a valid URL path' }]);
  }
  if (!path) throw validationFailed([{ field: 'path', message: 'is required' }]);
  return path;
}
