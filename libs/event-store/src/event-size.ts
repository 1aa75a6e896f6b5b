import { DomainError, ErrorCode, validationFailed } from '@agentry/contracts';
import type { DataSource } from 'typeorm';

/**
 * Every appended event must be publishable by the relay, which sends `JSON.stringify(storedEvent)` as one NATS
 * message: a message over the server's `max_payload` is refused, and the relay cannot move past it. So the
 * size that counts is the ENCODED one, envelope included: JSON escaping turns a backslash or a quote into
 * 2 bytes and a control character into 6, so 512 KiB of backslashes is over 1 MiB on the wire.
 */

/** nats-server's default `max_payload`: the assumption until a relay has read the real one from its connection. */
export const NATS_DEFAULT_MAX_PAYLOAD = 1024 * 1024;

/** Room left under `max_payload` for what is not the JSON body: the `Nats-Msg-Id` header and any headers added later. */
export const EVENT_SIZE_MARGIN_BYTES = 16 * 1024;

/** The largest encoded event a server with this `max_payload` carries, with margin. */
export const maxEventBytesFor = (maxPayload: number): number => Math.max(0, maxPayload - EVENT_SIZE_MARGIN_BYTES);

const limits = new WeakMap<DataSource, number>();

/**
 * Sets the encoded-size limit of every append through this DataSource (the relay calls it with its server's
 * `max_payload`; see libs/messaging `startEventRelay`). Per DataSource like the append signal: a process
 * talks to one event bus per database.
 */
export function setMaxEventBytes(dataSource: DataSource, maxEventBytes: number): void {
  limits.set(dataSource, maxEventBytes);
}

export const maxEventBytes = (dataSource: DataSource): number => limits.get(dataSource) ?? maxEventBytesFor(NATS_DEFAULT_MAX_PAYLOAD);

/** One event as the append function receives it: data and metadata already JSON text. */
export interface EncodedEvent {
  streamId: string;
  streamType: string;
  type: string;
  schemaVersion: number;
  data: unknown;
  dataJson: string;
  metadataJson: string;
}

/**
 * Bytes of the relay's payload for this event: the StoredEvent JSON with the widest values the columns the
 * database fills in can take (positions, ids, timestamps). jsonb round trips keep the encoded size of data
 * (key order may change, lengths do not).
 */
export function encodedEventBytes(event: EncodedEvent): number {
  const envelope = JSON.stringify({
    globalPosition: '9'.repeat(19),
    transactionId: '9'.repeat(20),
    streamId: event.streamId,
    streamType: event.streamType,
    streamPosition: Number.MAX_SAFE_INTEGER,
    eventId: '00000000-0000-0000-0000-000000000000',
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: 0,
    metadata: 0,
    createdAt: 9_999_999_999_999,
  });
  return Buffer.byteLength(envelope, 'utf8') - 2 + Buffer.byteLength(event.dataJson, 'utf8') + Buffer.byteLength(event.metadataJson, 'utf8');
}

/**
 * An escaped NUL or unpaired surrogate in JSON.stringify output (which escapes only unpaired surrogates), after an
 * even number of backslashes so a literal `\\u0000` in a string does not match. Postgres's jsonb refuses both:
 * such an event would otherwise fail its append with an internal error.
 */
const UNSTORABLE_ESCAPE = /(?<!\\)(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/i;
// eslint-disable-next-line no-control-regex -- NUL is exactly what Postgres cannot store in jsonb
const UNSTORABLE_CHAR = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Refuses, with a field error naming the part of the data at fault, an event the relay could not publish
 * (encoded size over the limit: PAYLOAD_TOO_LARGE, HTTP 413) or the database could not store (NUL, unpaired
 * surrogate: VALIDATION_FAILED).
 */
export function checkEventIsRelayable(event: EncodedEvent, limit: number): void {
  const size = encodedEventBytes(event);
  if (size > limit) {
    const field = heaviestPath(event.data);
    throw new DomainError(
      ErrorCode.PAYLOAD_TOO_LARGE,
      `${field} is too large: the ${event.type} event carrying it would be ${size} bytes once JSON-encoded ` +
        `(quotes, backslashes and control characters take 2 to 6 bytes each), at most ${limit} bytes are accepted`,
      [{ field, message: `is too large: the event carrying it is ${size} bytes once JSON-encoded, at most ${limit} are accepted` }],
    );
  }
  if (event.dataJson.includes('\\u') && UNSTORABLE_ESCAPE.test(event.dataJson)) {
    const field = pathTo(event.data, (value) => typeof value === 'string' && UNSTORABLE_CHAR.test(value)) ?? 'data';
    throw validationFailed([{ field, message: 'must not contain NUL characters or unpaired UTF-16 surrogates' }]);
  }
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** How deep the blame for a too-large event goes: `settings.argument`, not a key deep inside the user's argument. */
const BLAME_DEPTH = 2;

/** Dotted path of the biggest value inside the data (by encoded size), two levels deep at most. */
function heaviestPath(data: unknown): string {
  const path: string[] = [];
  let node = data;
  while (path.length < BLAME_DEPTH && isPlainObject(node)) {
    let heaviest: [string, number] | undefined;
    for (const [key, value] of Object.entries(node)) {
      const size = Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
      if (!heaviest || size > heaviest[1]) heaviest = [key, size];
    }
    if (!heaviest) break;
    path.push(heaviest[0]);
    node = node[heaviest[0]];
  }
  return path.length ? path.join('.') : 'data';
}

/** Dotted path of the first value matching `test` (depth first), or undefined. */
function pathTo(node: unknown, test: (value: unknown) => boolean, path: string[] = []): string | undefined {
  if (test(node)) return path.join('.') || 'data';
  if (typeof node !== 'object' || node === null) return undefined;
  for (const [key, value] of Object.entries(node)) {
    const found = pathTo(value, test, [...path, key]);
    if (found) return found;
  }
  return undefined;
}
