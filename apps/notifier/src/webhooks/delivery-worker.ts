import { Logger } from '@nestjs/common';
import type { WebhookDeliveryConfig } from '../config.js';
import { checkDestination, DestinationRefused, type Resolve } from './destination.js';
import { postOnce, type PostOutcome } from './http-post.js';
import { orgSigningSecret, signWebhook } from './signing.js';
import type { DueDelivery, WebhookDeliveries } from './webhook-deliveries.js';

const logger = new Logger('WebhookDelivery');
const BATCH = 16;

export interface DeliveryWorkerDeps {
  deliveries: WebhookDeliveries;
  secretKey: Buffer;
  config: WebhookDeliveryConfig;
  now?: () => number;
  resolve?: Resolve;
}

/** One attempt of one delivery: check the destination, sign (fresh timestamp, same id), POST, log. */
export async function attemptDelivery(deps: DeliveryWorkerDeps, d: DueDelivery): Promise<void> {
  const now = deps.now ?? Date.now;
  const policy = deps.config;
  let outcome: PostOutcome;
  let verdict: 'delivered' | 'retry' | 'refused';
  try {
    const dest = await checkDestination(d.url, policy.privateDestinations, deps.resolve);
    const timestamp = Math.floor(now() / 1000);
    const headers = {
      'webhook-id': d.webhookId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signWebhook(orgSigningSecret(deps.secretKey, d.orgId), d.webhookId, timestamp, d.body),
    };
    outcome = await postOnce(dest, headers, d.body, policy.timeoutMs);
    verdict = outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300 ? 'delivered' : 'retry';
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    outcome = { statusCode: null, latencyMs: 0, responseExcerpt: null, error: message };
    verdict = error instanceof DestinationRefused ? 'refused' : 'retry';
  }
  await deps.deliveries.recordAttempt(d, now(), outcome, verdict, policy);
  // The URL is the org's own setting, but may carry a token in its query: log the delivery's id, not the URL.
  if (verdict !== 'delivered') logger.warn(`webhook ${d.webhookId} attempt ${d.attempts + 1}: ${verdict} (${outcome.statusCode ?? outcome.error})`);
}

/** Polls for due deliveries and attempts them, a batch at a time, until stopped. */
export function startDeliveryWorker(deps: DeliveryWorkerDeps): { stop(): Promise<void> } {
  const now = deps.now ?? Date.now;
  let stopping = false;
  let wake: (() => void) | null = null;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  const loop = (async () => {
    while (!stopping) {
      try {
        // The claim outlives the attempt's own timeout, so no other replica takes a delivery still in flight.
        const due = await deps.deliveries.claimDue(now(), deps.config.timeoutMs + 30_000, BATCH);
        await Promise.all(due.map((d) => attemptDelivery(deps, d)));
        if (due.length === BATCH) continue;
      } catch (error) {
        logger.error(`delivery loop: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (!stopping) await sleep(deps.config.pollMs);
    }
  })();
  return {
    async stop() {
      stopping = true;
      (wake as (() => void) | null)?.();
      await loop;
    },
  };
}
