import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { rpcReply } from '@agentry/messaging';
import { Subjects, type VerifyRunKeyParams } from '@agentry/contracts';
import { ContainerStreams } from '../containers/container-streams.js';
import { containerOfRunKey, invalidRunKey, runKeyActor } from './run-keys.js';

/**
 * `buster.apiKey` checks: the gateway sends a run key here instead of to the registry. Read from the
 * container's stream (not a read model), so the key is refused from the moment the run's end is
 * recorded, on every replica.
 */
@Controller()
export class RunKeysController {
  constructor(private readonly streams: ContainerStreams) {}

  /** Anonymous, like the registry's key check: it is how the gateway gets an actor. */
  @MessagePattern(Subjects.executor.verifyRunKey)
  verify(@Payload() envelope: { params?: VerifyRunKeyParams }) {
    return rpcReply(async () => {
      const key = envelope?.params?.key;
      const containerId = containerOfRunKey(key);
      if (containerId === null) throw invalidRunKey();
      const { state } = await this.streams.load(containerId);
      return runKeyActor(state, key as string);
    });
  }
}
