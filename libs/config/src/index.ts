/**
 * Boot-time configuration: every service declares the environment variables it reads, and
 * `loadConfig` validates them all at once, failing with one message that lists what to set.
 */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

export interface Setting<T> {
  /** Parses the raw value or returns an error message saying what to set instead. */
  read(raw: string | undefined, name: string): { value: T } | { problem: string };
}

/** What `loadConfig` answers for a spec: each setting's parsed value under its variable's name. */
export type ConfigOf<S extends Record<string, Setting<unknown>>> = { [K in keyof S]: S[K] extends Setting<infer T> ? T : never };

export function loadConfig<S extends Record<string, Setting<unknown>>>(spec: S, env: Env = process.env): ConfigOf<S> {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [name, setting] of Object.entries(spec)) {
    const raw = env[name];
    const result = setting.read(raw === '' ? undefined : raw, name);
    if ('problem' in result) problems.push(result.problem);
    else out[name] = result.value;
  }
  if (problems.length) throw new ConfigError(problems);
  // One value per setting of the spec, each read by that setting: the shape ConfigOf<S> names.
  return out as ConfigOf<S>;
}

export const requiredUrl = (protocols: string[], example: string): Setting<string> => ({
  read(raw, name) {
    if (raw === undefined) return { problem: `${name} is required (e.g. ${example})` };
    try {
      const url = new URL(raw);
      if (!protocols.includes(url.protocol.replace(/:$/, ''))) {
        return { problem: `${name} must use ${protocols.join(' or ')}:// (e.g. ${example})` };
      }
      return { value: raw };
    } catch {
      return { problem: `${name} is not a valid URL (e.g. ${example})` };
    }
  },
});

/**
 * NATS_URL: one server, or several separated by commas (`nats://u:p@nats-0:4222,nats://nats-1:4222`)
 * so a service can connect, or reconnect, while one node of a cluster is down. One login for all:
 * entries carry the same credentials or none.
 */
export const natsUrl = (example = 'nats://127.0.0.1:4222'): Setting<string> => ({
  read(raw, name) {
    if (raw === undefined) return { problem: `${name} is required (e.g. ${example}, or several servers separated by commas)` };
    const logins = new Set<string>();
    for (const entry of raw.split(',').map((e) => e.trim())) {
      let url: URL;
      try {
        url = new URL(entry);
      } catch {
        return {
          problem: `${name} holds ${entry ? 'an entry' : 'an empty entry'} that is not a valid URL (e.g. ${example}; separate several servers with commas)`,
        };
      }
      if (url.protocol !== 'nats:') return { problem: `${name} must use nats:// for every server (e.g. ${example})` };
      if (url.username) logins.add(`${url.username}:${url.password}`);
    }
    if (logins.size > 1) return { problem: `${name} gives different logins for its servers: one login is used for all of them` };
    return { value: raw };
  },
});

/**
 * How many copies of each JetStream stream / KV bucket a NATS cluster keeps (NATS_STREAM_REPLICAS).
 * Unset: streams are created with the server's default (1) and an existing stream's replicas are
 * left as they are (an operator may have raised them by other means).
 */
export const streamReplicas = (): Setting<number | undefined> => ({
  read(raw, name) {
    if (raw === undefined) return { value: undefined };
    if (!/^[1-5]$/.test(raw)) return { problem: `${name} must be 1 to 5 (JetStream's limit; 3 on a three-node cluster), got "${raw}"` };
    return { value: Number(raw) };
  },
});

export const optionalString = (pattern?: RegExp, hint?: string): Setting<string | undefined> => ({
  read(raw, name) {
    if (raw === undefined) return { value: undefined };
    if (pattern && !pattern.test(raw)) return { problem: `${name} ${hint ?? `must match ${pattern}`}` };
    return { value: raw };
  },
});

/** DATABASE_URL: the platform's Postgres (every service with tables, and the operator commands). */
export const databaseUrl = (): Setting<string> => requiredUrl(['postgres', 'postgresql'], 'postgres://agentry:secret@127.0.0.1:5432/agentry');

/**
 * `raw` as a whole number (digits only: no sign, fraction, exponent or spaces) from `min` to `max`, or the
 * problem in the words of `rule` (what the variable must be). The one reader of every integer setting.
 */
function wholeNumber(raw: string, name: string, min: number, max: number, rule: string): { value: number } | { problem: string } {
  const n = Number(raw);
  if (/^\d+$/.test(raw) && Number.isSafeInteger(n) && n >= min && n <= max) return { value: n };
  return { problem: `${name} must be ${rule}, got "${raw}"` };
}

/** "a whole number of days, at least 1" / "a whole number from 1 to 1000". */
const integerRule = (min: number, max: number, unit: string): string =>
  `a whole number${unit ? ` ${unit}` : ''}${max === Number.MAX_SAFE_INTEGER ? `, at least ${min}` : ` from ${min} to ${max}`}`;

/** What leaving an optional setting unset means, for its message: " (or unset for no health server)". */
const orUnset = (unset: string | undefined): string => (unset ? ` (or unset ${unset})` : '');

/**
 * A whole number from `min` to `max`, `fallback` when unset; `unit` completes the message ("of seconds").
 * Without `max`, any safe integer from `min` up.
 */
export const boundedInteger = (fallback: number, min: number, max = Number.MAX_SAFE_INTEGER, unit = ''): Setting<number> => ({
  read: (raw, name) => (raw === undefined ? { value: fallback } : wholeNumber(raw, name, min, max, integerRule(min, max, unit))),
});

/**
 * boundedInteger without a default: unset answers undefined (the feature is off, or the value comes from
 * elsewhere); `unset` says what that means in the message ("for the NATS server's max_payload").
 */
export const optionalInteger = (min: number, max = Number.MAX_SAFE_INTEGER, unit = '', unset?: string): Setting<number | undefined> => ({
  read: (raw, name) => (raw === undefined ? { value: undefined } : wholeNumber(raw, name, min, max, integerRule(min, max, unit) + orUnset(unset))),
});

const PORT_RULE = 'a port number 0-65535';

export const port = (fallback: number): Setting<number> => ({
  read: (raw, name) => (raw === undefined ? { value: fallback } : wholeNumber(raw, name, 0, 65535, PORT_RULE)),
});

/** A port, undefined when unset; `unset` says what that means ("for no health server"). */
export const optionalPort = (unset?: string): Setting<number | undefined> => ({
  read: (raw, name) => (raw === undefined ? { value: undefined } : wholeNumber(raw, name, 0, 65535, PORT_RULE + orUnset(unset))),
});

export const oneOf = <T extends string>(values: readonly T[], fallback: T): Setting<T> => ({
  read(raw, name) {
    if (raw === undefined) return { value: fallback };
    if (!values.includes(raw as T)) return { problem: `${name} must be one of ${values.join(', ')}, got "${raw}"` };
    return { value: raw as T };
  },
});

export const withDefault = (fallback: string): Setting<string> => ({
  read: (raw) => ({ value: raw ?? fallback }),
});

/** A 32-byte key given as base64 or 64 hex characters. */
export const key256 = (): Setting<Buffer> => ({
  read(raw, name) {
    const hint = `${name} must be 32 random bytes as 64 hex characters or base64 (generate one with: openssl rand -hex 32)`;
    if (raw === undefined) return { problem: `${name} is required; ${hint}` };
    const bytes = /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
    if (bytes.length !== 32) return { problem: hint };
    return { value: bytes };
  },
});

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const logLevel = (): Setting<LogLevel> => oneOf(LOG_LEVELS, 'info');

export { runMain, runService } from './run-main.js';
