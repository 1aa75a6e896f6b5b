import { Inject, Injectable, Logger } from '@nestjs/common';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { EXECUTOR_ABORT_BROADCAST, type AbortBroadcast } from '@agentry/contracts';
import { NATS_CONNECTION } from '../platform/platform.module.js';
import { LocalRuns } from './local-runs.js';

const logger = new Logger('AbortListener');

/** Every replica hears every abort (no queue group) and kills the matching processes it runs. */
@Injectable()
export class AbortListener {
  private subscription: Subscription | undefined;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly localRuns: LocalRuns,
  ) {}

  start(): void {
    this.subscription = this.nc.subscribe(EXECUTOR_ABORT_BROADCAST, {
      callback: (error, msg) => {
        if (error) return logger.warn(`abort broadcast: ${error.message}`);
        try {
          this.localRuns.abort(msg.json<AbortBroadcast>());
        } catch (e) {
          logger.warn(`bad abort broadcast: ${(e as Error).message}`);
        }
      },
    });
  }

  stop(): void {
    this.subscription?.unsubscribe();
  }
}
