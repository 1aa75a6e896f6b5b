import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Subjects, type Actor, type LaunchAgentParams, type LaunchAgentResult } from '@agentry/contracts';
import { RegistryClient } from '../http/registry.client.js';
import { LiveOutput } from './live/live-output.service.js';
import type { V1OutputMode } from './launch-params.js';
import { writeEventStream } from './streams/event-stream.writer.js';
import { HttpStream } from './streams/http-stream.js';
import { writeLaunchSync } from './streams/launch-sync.writer.js';
import { writeRaw } from './streams/raw.writer.js';
import { writeResultObject } from './streams/result-object.writer.js';

export type StreamingMode = Exclude<V1OutputMode, 'json'> | 'launch-sync';

/**
 * Queues a launch with the executor and, for the answers that last as long as the run, streams
 * the container's feed in the chosen form. The launch is awaited before the response is taken
 * over, so a refused launch still answers its error status.
 */
@Injectable()
export class ContainerLauncher {
  constructor(
    private readonly client: RegistryClient,
    private readonly live: LiveOutput,
  ) {}

  launch(actor: Actor, params: LaunchAgentParams): Promise<LaunchAgentResult> {
    return this.client.call(Subjects.executor.launch, actor, params);
  }

  /**
   * v2 `containers/attach`: an existing container's console output as plain text, from its first
   * byte, live until it ends. The container is looked up as the actor first, so another org's id is
   * a 404 before anything is watched (the live subjects are not scoped by org).
   */
  async attach(actor: Actor, containerId: number, reply: FastifyReply): Promise<void> {
    await this.client.call(Subjects.output.fetchContainer, actor, { containerId });
    const release = this.live.admit(actor);
    try {
      const stream = HttpStream.take(reply, this.live.stalledClientMs);
      return await writeRaw(stream, this.live.follow(actor, containerId, 0, stream.signal));
    } finally {
      release();
    }
  }

  async launchAndStream(
    actor: Actor,
    params: LaunchAgentParams,
    reply: FastifyReply,
    mode: StreamingMode,
    options: { resumeFrom?: number; includeLogs?: boolean } = {},
  ): Promise<void> {
    const { resumeFrom } = options;
    // Admitted before the launch: a run is not started for a stream that would be refused.
    const release = this.live.admit(actor);
    try {
      const { containerId, createdAs } = await this.launch(actor, params);
      const stream = HttpStream.take(reply, this.live.stalledClientMs);
      const from = resumeFrom ?? 0;
      const feed = this.live.follow(actor, containerId, from, stream.signal, createdAs === 'queued' && from === 0);
      switch (mode) {
        case 'event-stream':
          return await writeEventStream(stream, containerId, feed, resumeFrom !== undefined);
        case 'raw':
          return await writeRaw(stream, feed);
        case 'launch-sync':
          return await writeLaunchSync(stream, containerId, feed, { includeLogs: options.includeLogs ?? false });
        default:
          return await writeResultObject(stream, containerId, feed, mode);
      }
    } finally {
      release();
    }
  }
}
