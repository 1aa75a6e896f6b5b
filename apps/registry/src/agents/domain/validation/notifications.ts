import { isURL } from 'class-validator';
import { NOTIFICATION_FLAGS, type AgentNotifications } from '@agentry/contracts';
import { ABSENT, type Maybe, type Reporter } from './field-reader.js';

const FIELD = 'notifications';
const URL_KEYS = ['slackWebHook', 'webhook'] as const;
const FLAGS = new Set<string>(NOTIFICATION_FLAGS);

export const isHttpUrl = (value: unknown): value is string =>
  typeof value === 'string' && value.length <= 2048 && isURL(value, { protocols: ['http', 'https'], require_protocol: true, require_tld: false });

/** `{mail|slack}{Automatic|Manual}{ExitError|ExitSuccess|LaunchError|TimeError}` booleans + webhook URLs. */
export function parseNotifications(r: Reporter, value: Record<string, unknown>): Maybe<AgentNotifications> {
  const before = r.errors.length;
  const out: AgentNotifications = {};
  for (const [key, v] of Object.entries(value)) {
    if (FLAGS.has(key)) {
      if (typeof v === 'boolean') out[key as (typeof NOTIFICATION_FLAGS)[number]] = v;
      else r.fail(`${FIELD}.${key}`, 'must be a boolean (true or false)');
    } else if ((URL_KEYS as readonly string[]).includes(key)) {
      if (v === null || isHttpUrl(v)) out[key as (typeof URL_KEYS)[number]] = v;
      else r.fail(`${FIELD}.${key}`, 'must be an http(s) URL or null');
    } else {
      r.fail(`${FIELD}.${key}`, `is not a notification setting; use ${URL_KEYS.join(', ')} or a flag like "mailAutomaticExitError"`);
    }
  }
  return r.errors.length === before ? out : ABSENT;
}
