import { isIP } from 'node:net';
import { validationFailed, WEBHOOK_EVENT_TYPES, type FieldError, type WebhookEventType } from '@agentry/contracts';
import { isNonPublicAddress } from '../webhooks/destination.js';

export const MAX_URL_LENGTH = 2048;
export const MAX_DESCRIPTION_LENGTH = 500;
export const DEFAULT_GRACE_SECONDS = 86_400;
export const MAX_GRACE_SECONDS = 7 * 86_400;

/** Endpoint ids are ours (`ep_` + 24 hex): anything else names no endpoint. */
export const isEndpointId = (id: unknown): id is string => typeof id === 'string' && /^ep_[0-9a-f]{24}$/.test(id);

/**
 * An endpoint URL: http or https, no credentials, bounded. With private destinations refused, a URL
 * whose host is itself a loopback / private / link-local address (or `localhost`) is refused here,
 * naming the field; a name is resolved and checked again at every delivery (destination.ts), since
 * what it resolves to may change after it was registered.
 */
export function readEndpointUrl(raw: unknown, privateDestinations: 'refuse' | 'allow', problems: FieldError[]): string | undefined {
  if (typeof raw !== 'string' || raw.length === 0) return void problems.push({ field: 'url', message: 'is required: an http or https URL' });
  if (raw.length > MAX_URL_LENGTH) return void problems.push({ field: 'url', message: `is longer than ${MAX_URL_LENGTH} characters` });
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return void problems.push({ field: 'url', message: 'is not a URL' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return void problems.push({ field: 'url', message: 'must use http or https' });
  if (url.username || url.password) return void problems.push({ field: 'url', message: 'must not carry credentials (put a token in the path or query)' });
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (privateDestinations === 'refuse' && ((isIP(host) !== 0 && isNonPublicAddress(host)) || host === 'localhost' || host.endsWith('.localhost'))) {
    return void problems.push({ field: 'url', message: 'points at a loopback, private or link-local address, which this platform does not deliver to' });
  }
  return url.toString();
}

export function readEventTypes(raw: unknown, problems: FieldError[]): WebhookEventType[] | undefined {
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > WEBHOOK_EVENT_TYPES.length) {
    return void problems.push({ field: 'eventTypes', message: `must be a non-empty list of: ${WEBHOOK_EVENT_TYPES.join(', ')}` });
  }
  const unknown = raw.find((t) => !(WEBHOOK_EVENT_TYPES as readonly unknown[]).includes(t));
  if (unknown !== undefined)
    return void problems.push({ field: 'eventTypes', message: `${JSON.stringify(unknown).slice(0, 60)} is not one of: ${WEBHOOK_EVENT_TYPES.join(', ')}` });
  return [...new Set(raw as WebhookEventType[])];
}

export function readDescription(raw: unknown, problems: FieldError[]): string | undefined {
  if (typeof raw !== 'string') return void problems.push({ field: 'description', message: 'must be a string' });
  if (raw.length > MAX_DESCRIPTION_LENGTH) return void problems.push({ field: 'description', message: `is longer than ${MAX_DESCRIPTION_LENGTH} characters` });
  return raw;
}

export function readEnabled(raw: unknown, problems: FieldError[]): boolean | undefined {
  if (typeof raw !== 'boolean') return void problems.push({ field: 'enabled', message: 'must be true or false' });
  return raw;
}

export function readGraceSeconds(raw: unknown, problems: FieldError[]): number {
  if (raw === undefined) return DEFAULT_GRACE_SECONDS;
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 0 || raw > MAX_GRACE_SECONDS) {
    problems.push({ field: 'graceSeconds', message: `must be a whole number of seconds from 0 to ${MAX_GRACE_SECONDS}` });
    return 0;
  }
  return raw;
}

export const throwIfProblems = (problems: FieldError[]): void => {
  if (problems.length) throw validationFailed(problems);
};
