import { createHash, createHmac, hkdfSync } from 'node:crypto';

/**
 * Each org's webhook signing secret, derived from the platform's AGENTRY_SECRET_KEY with HKDF-SHA256
 * (salt and info fixed below): nothing to store, the same on every replica, different per org, and no
 * org's secret reveals the master key or another org's. Rotating AGENTRY_SECRET_KEY rotates them all.
 * Written the Standard Webhooks way, `whsec_<base64 of the 32 key bytes>`.
 */
export function orgSigningSecret(masterKey: Buffer, orgId: number): string {
  const key = Buffer.from(hkdfSync('sha256', masterKey, 'agentry-webhooks-v1', `org:${orgId}`, 32));
  return `whsec_${key.toString('base64')}`;
}

/** The key bytes of a `whsec_…` secret. */
const keyOf = (secret: string): Buffer => Buffer.from(secret.replace(/^whsec_/, ''), 'base64');

/** `webhook-signature` per Standard Webhooks: `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`. */
export function signWebhook(secret: string, webhookId: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', keyOf(secret)).update(`${webhookId}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}

/** Stable per (event, endpoint): every retry of one delivery carries it, so a receiver can dedupe. */
export function webhookIdOf(eventId: string, url: string): string {
  return `msg_${createHash('sha256').update(`${eventId}\n${url}`).digest('hex').slice(0, 32)}`;
}

/**
 * An org endpoint's signing secret: derived like the org's (HKDF-SHA256 of the master key) but from
 * the endpoint's id and secret generation, so nothing secret is stored, every replica signs alike,
 * and a rotation (generation + 1) yields a new, unrelated secret. Shown to the org once, when its
 * endpoint is created or rotated.
 */
export function endpointSigningSecret(masterKey: Buffer, endpointId: string, generation: number): string {
  const key = Buffer.from(hkdfSync('sha256', masterKey, 'agentry-webhook-endpoints-v1', `endpoint:${endpointId}:${generation}`, 32));
  return `whsec_${key.toString('base64')}`;
}

/** Several signatures, space-separated (Standard Webhooks): a receiver accepts the request if any one matches. */
export const signWithEach = (secrets: string[], webhookId: string, timestampSeconds: number, body: string): string =>
  secrets.map((secret) => signWebhook(secret, webhookId, timestampSeconds, body)).join(' ');
