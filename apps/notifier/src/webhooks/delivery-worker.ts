import { Logger } from '@nestjs/common';
import type { WebhookDeliveryConfig } from '../config.js';
import { checkDestination, DestinationRefused, type Resolve } from './destination.js';
import { postOnce, type PostOutcome } from './http-post.js';
import type { Mailer, MailMessage } from '../mail/mailer.js';
import { endpointSigningSecret, orgSigningSecret, signWebhook, signWithEach } from './signing.js';
import type { AttemptVerdict, DueDelivery, WebhookDeliveries } from './webhook-deliveries.js';

const logger = new Logger('WebhookDelivery');
const BATCH = 16;

export interface DeliveryWorkerDeps {
  deliveries: WebhookDeliveries;
  secretKey: Buffer;
  config: WebhookDeliveryConfig;
  now?: () => number;
  resolve?: Resolve;
  /** Null when the operator configured no SMTP server: mail deliveries are recorded as unavailable. */
  mailer?: Mailer | null;
}

/** Mail cannot be sent on this platform: said in the delivery log instead of silently dropped. */
export const MAIL_NOT_CONFIGURED = 'mail is not configured on this platform (the operator sets NOTIFIER_SMTP_URL and NOTIFIER_MAIL_FROM)';
export const NO_MAIL_RECIPIENT = 'the org has no admin with an email address';

/**
 * The signature header of one attempt. The agent's webhook: the org's secret. An org endpoint: its
 * current secret and, until the rotation's grace ends, the previous one too (receivers accept any).
 */
function signatureOf(deps: DeliveryWorkerDeps, d: DueDelivery, timestamp: number, at: number): string {
  if (d.channel !== 'endpoint' || !d.endpointId || !d.secretGeneration)
    return signWebhook(orgSigningSecret(deps.secretKey, d.orgId), d.webhookId, timestamp, d.body);
  const secrets = [endpointSigningSecret(deps.secretKey, d.endpointId, d.secretGeneration)];
  if (d.secretGeneration > 1 && d.previousSecretValidUntil !== null && d.previousSecretValidUntil !== undefined && at < d.previousSecretValidUntil) {
    secrets.push(endpointSigningSecret(deps.secretKey, d.endpointId, d.secretGeneration - 1));
  }
  return signWithEach(secrets, d.webhookId, timestamp, d.body);
}

const succeeded = (o: PostOutcome) => o.statusCode !== null && o.statusCode >= 200 && o.statusCode < 300;

async function sendMail(deps: DeliveryWorkerDeps, d: DueDelivery): Promise<{ outcome: PostOutcome; verdict: AttemptVerdict }> {
  const message = JSON.parse(d.body) as MailMessage;
  const unavailable = (error: string) => ({ outcome: { statusCode: null, latencyMs: 0, responseExcerpt: null, error }, verdict: 'unavailable' as const });
  if (!deps.mailer) return unavailable(MAIL_NOT_CONFIGURED);
  if (message.to.length === 0) return unavailable(NO_MAIL_RECIPIENT);
  const outcome = await deps.mailer.send(message, deps.config.timeoutMs);
  return { outcome, verdict: outcome.error === null && outcome.statusCode !== null && outcome.statusCode < 400 ? 'delivered' : 'retry' };
}

/**
 * One attempt of one delivery. HTTP channels (the agent's webhook, an org endpoint, Slack): check the
 * destination, sign (fresh timestamp, same id), POST, log. Mail: hand it to the SMTP server, log.
 */
export async function attemptDelivery(deps: DeliveryWorkerDeps, d: DueDelivery): Promise<void> {
  const now = deps.now ?? Date.now;
  const policy = deps.config;
  let outcome: PostOutcome;
  let verdict: AttemptVerdict;
  try {
    if (d.channel === 'mail') {
      ({ outcome, verdict } = await sendMail(deps, d));
    } else {
      const dest = await checkDestination(d.url, policy.privateDestinations, deps.resolve);
      const at = now();
      const timestamp = Math.floor(at / 1000);
      const headers = { 'webhook-id': d.webhookId, 'webhook-timestamp': String(timestamp), 'webhook-signature': signatureOf(deps, d, timestamp, at) };
      outcome = await postOnce(dest, headers, d.body, policy.timeoutMs);
      verdict = succeeded(outcome) ? 'delivered' : 'retry';
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    outcome = { statusCode: null, latencyMs: 0, responseExcerpt: null, error: message };
    verdict = error instanceof DestinationRefused ? 'refused' : 'retry';
  }
  await deps.deliveries.recordAttempt(d, now(), outcome, verdict, policy);
  // The URL is the org's own setting, but may carry a token in its query: log the delivery's id, not the URL.
  if (verdict !== 'delivered')
    logger.warn(`${d.channel ?? 'webhook'} ${d.webhookId} attempt ${d.attempts + 1}: ${verdict} (${outcome.statusCode ?? outcome.error})`);
}

export interface DeliveryWorker {
  /**
   * Something was just enqueued on this replica: look now instead of at the next poll. Without it a
   * delivery waits half a poll interval on average (bench/webhooks: p50 362 ms → see the README).
   */
  nudge(): void;
  stop(): Promise<void>;
}

/** Polls for due deliveries and attempts them, a batch at a time, until stopped. */
export function startDeliveryWorker(deps: DeliveryWorkerDeps): DeliveryWorker {
  const now = deps.now ?? Date.now;
  let stopping = false;
  let nudged = false;
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
      nudged = false;
      try {
        // The claim outlives the attempt's own timeout, so no other replica takes a delivery still in flight.
        const due = await deps.deliveries.claimDue(now(), deps.config.timeoutMs + 30_000, BATCH);
        await Promise.all(due.map((d) => attemptDelivery(deps, d)));
        if (due.length === BATCH) continue;
      } catch (error) {
        logger.error(`delivery loop: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (!stopping && !nudged) await sleep(deps.config.pollMs);
    }
  })();
  return {
    nudge() {
      nudged = true;
      (wake as (() => void) | null)?.();
    },
    async stop() {
      stopping = true;
      (wake as (() => void) | null)?.();
      await loop;
    },
  };
}
