/** One field the API named as wrong, with its message. */
export interface FieldError {
  field: string;
  message: string;
}

/** Base of everything the client throws: `message` is one line, fit to show a person as is. */
export class AgentryError extends Error {
  override name = 'AgentryError';
}

/**
 * The API answered with an error (any of its four shapes: v1 JSend, `POST /api/v1/agent`, v2,
 * the agents API). `message` is the API's message; `field` the first field it named, if any.
 */
export class AgentryApiError extends AgentryError {
  override name = 'AgentryApiError';
  constructor(
    readonly status: number,
    /** The API's error code (`VALIDATION_FAILED`, `NOT_FOUND`…), when it sent one. */
    readonly code: string | undefined,
    readonly apiMessage: string,
    readonly fields: FieldError[],
    readonly requestId: string | undefined,
  ) {
    // The v2 message already names its fields (`Invalid parameters: id (must be digits)`): only the others are added.
    const unnamed = fields.filter((f) => !new RegExp(`(^|[^\\w.])${f.field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\w])`).test(apiMessage));
    super(unnamed.length ? `${apiMessage} (${unnamed.map((f) => `${f.field}: ${f.message}`).join('; ')})` : apiMessage);
    this.field = fields[0]?.field;
  }

  /** The first field the API named, if any. */
  readonly field: string | undefined;
}

/** The server could not be reached (refused, DNS, TLS, timeout). */
export class AgentryConnectionError extends AgentryError {
  override name = 'AgentryConnectionError';
}

/** The server answered something that is not Agentry's API (HTML, garbage, a proxy's page). */
export class AgentryResponseError extends AgentryError {
  override name = 'AgentryResponseError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : undefined);

/** Fields from `details` (v2, agents API), `data.fields` (v1) or `errors` (`POST /api/v1/agent`). */
function fieldsOf(body: Record<string, unknown>): FieldError[] {
  const list = Array.isArray(body['details'])
    ? body['details']
    : isObject(body['data']) && Array.isArray(body['data']['fields'])
      ? body['data']['fields']
      : undefined;
  if (list) return list.filter(isObject).flatMap((f) => (text(f['field']) ? [{ field: String(f['field']), message: String(f['message'] ?? '') }] : []));
  if (isObject(body['errors'])) {
    return Object.entries(body['errors']).flatMap(([field, messages]) =>
      (Array.isArray(messages) ? messages : [messages]).map((m) => ({ field, message: String(m) })),
    );
  }
  return [];
}

/** One printable line out of anything (no control characters, bounded). */
export const oneLine = (value: string, max = 300): string => {
  const flat = value
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/** The typed error for a non-2xx answer; a body in none of the API's shapes is an AgentryResponseError. */
export function errorFromAnswer(status: number, body: unknown, requestId: string | undefined): AgentryError {
  if (isObject(body)) {
    const message = text(body['message']) ?? (text(body['error']) && !text(body['message']) ? String(body['error']) : undefined);
    if (message) {
      const code = text(body['code']) ?? (text(body['message']) ? text(body['error']) : undefined);
      return new AgentryApiError(
        status,
        code,
        oneLine(message),
        fieldsOf(body).map((f) => ({ field: oneLine(f.field, 100), message: oneLine(f.message) })),
        requestId,
      );
    }
  }
  return new AgentryResponseError(status, `the server answered ${status} without an Agentry error (is the URL an Agentry gateway?)`);
}
