/**
 * Org webhook endpoints and the delivery log (issue 11), served by the notifier over NATS and
 * exposed by the gateway under `/api/agentry/v1/webhooks` (an Agentry addition to the
 * PhantomBuster APIs, docs/api/webhooks.md).
 */

import { LIFECYCLE_EVENT_TYPES } from '@agentry/events';

/**
 * Event types an org endpoint may subscribe to (the body's `type`): every public lifecycle event
 * (`@agentry/events`; `container.ended` carries the end-of-run payload) and a script's `notify()`.
 */
export const WEBHOOK_EVENT_TYPES = [...LIFECYCLE_EVENT_TYPES, 'script.notification'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Stream type of a webhook endpoint's own events (`webhook-endpoint-<id>`). */
export const WEBHOOK_ENDPOINT_STREAM = 'webhook-endpoint';
export const WebhookEndpointEventType = {
  /** Failed continuously for the configured days: the notifier stopped sending to it. */
  WebhookEndpointDisabled: 'WebhookEndpointDisabled',
} as const;

export interface WebhookEndpointDisabledData {
  orgId: number;
  endpointId: string;
  /** When its unbroken run of failed attempts began (Unix ms). */
  failingSince: number;
  disabledAt: number;
}

export interface WebhookEndpointView {
  id: string;
  url: string;
  description: string;
  eventTypes: WebhookEventType[];
  enabled: boolean;
  /** Why it is disabled: `failing` (by the notifier, after days of failures) or `manual` (by an update). */
  disabledReason: 'failing' | 'manual' | null;
  /** Start of the current run of failed attempts (Unix ms), null while it succeeds. */
  failingSince: number | null;
  /** Until when the secret before the last rotation still signs too (Unix ms), or null. */
  previousSecretValidUntil: number | null;
  createdAt: number;
  updatedAt: number;
}

/** Create and rotate answer the signing secret: the only time it is shown. */
export interface WebhookEndpointWithSecret extends WebhookEndpointView {
  secret: string;
}

export interface CreateWebhookEndpointParams {
  url: unknown;
  eventTypes?: unknown;
  description?: unknown;
  enabled?: unknown;
}
export interface UpdateWebhookEndpointParams extends Partial<CreateWebhookEndpointParams> {
  id: string;
}
export interface WebhookEndpointIdParams {
  id: string;
}
export interface RotateWebhookSecretParams {
  id: string;
  /** How long the previous secret keeps signing beside the new one (seconds, default 24 h, 0 = at once). */
  graceSeconds?: unknown;
}

export type DeliveryChannel = 'webhook' | 'endpoint' | 'slack' | 'mail';
export type DeliveryState = 'pending' | 'delivered' | 'failed' | 'refused' | 'unavailable';

export interface DeliveryAttemptView {
  attempt: number;
  at: number;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  responseExcerpt: string | null;
}

export interface DeliveryView {
  /** The `webhook-id` every attempt carries. */
  id: string;
  channel: DeliveryChannel;
  endpointId: string | null;
  eventType: string;
  agentId: number | null;
  containerId: number | null;
  state: DeliveryState;
  attempts: DeliveryAttemptView[];
  /** When the next attempt is due (Unix ms), null unless pending. */
  nextAttemptAt: number | null;
  createdAt: number;
}

export interface ListDeliveriesParams {
  endpointId?: string;
  agentId?: unknown;
  /** Newest first; at most this many (default 50, max 200). */
  limit?: unknown;
}
export interface ListDeliveriesResult {
  deliveries: DeliveryView[];
}
/**
 * A running script's `mail(subject, text, to?)` or `notify(message)` (the runtime, through the executor,
 * acting for the run's org). Mail goes to `to` when it is one of the org's users' addresses, else to
 * the org's admins; notify goes to the agent version's Slack webhook and the org endpoints subscribed
 * to `script.notification`. Rate-limited per org.
 */
export interface SendScriptNotificationParams {
  containerId: number;
  kind: 'mail' | 'notify';
  text: unknown;
  subject?: unknown;
  to?: unknown;
}
export interface SendScriptNotificationResult {
  /** The deliveries enqueued (their webhook ids), empty when nothing listens. */
  deliveryIds: string[];
}

export interface RedeliverParams {
  /** The delivery's webhook id. */
  id: string;
}
