import { setTimeout as sleep } from 'node:timers/promises';
import { DomainError, ErrorCode, Subjects, type Actor, type SendScriptNotificationParams } from '@agentry/contracts';
import type { RpcClient } from '@agentry/messaging';

/**
 * The notifier knows a container from its read model of the run's queue event; a script calling
 * mail() in its first milliseconds can be ahead of it. NOT_FOUND is therefore retried for a few
 * seconds (the container id is always the run's own, never the script's choice).
 */
const READ_MODEL_LAG_RETRIES = 20;
const READ_MODEL_LAG_DELAY_MS = 250;

/**
 * A running script's `mail()` / `notify()`, forwarded to `notifier.script-notifications.send` for
 * the run's container and org (the notifier checks the recipient, the fields and the org's hourly
 * limit). The script sees the notifier's refusal as the rejection of its call.
 */
export class ScriptNotifications {
  constructor(private readonly rpc: RpcClient) {}

  async send(actor: Actor, params: SendScriptNotificationParams): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.rpc.request(Subjects.internal.sendScriptNotification, { actor, params });
        return;
      } catch (error) {
        const { code, retryAfterSeconds } = error as { code?: unknown; retryAfterSeconds?: unknown };
        if (code === ErrorCode.NOT_FOUND && attempt < READ_MODEL_LAG_RETRIES) {
          await sleep(READ_MODEL_LAG_DELAY_MS);
          continue;
        }
        // Only the message and code cross the script channel: the wait goes into the message.
        if (code === ErrorCode.RATE_LIMITED && typeof retryAfterSeconds === 'number') {
          throw new DomainError(ErrorCode.RATE_LIMITED, `${(error as Error).message}; retry in ${retryAfterSeconds} s`, undefined, retryAfterSeconds);
        }
        throw error;
      }
    }
  }
}
