import { ErrorCode, type WireError } from '@agentry/contracts';

/**
 * The API generations answer errors in their own shapes:
 * - `v1`      the v1 API's JSend: `{status:"error", message, code, data?}`;
 * - `v1-agent` `POST /api/v1/agent`: `{status:"error", code, message, errors?}`;
 * - `v2`      `{status:"error", error, message, details?}`;
 * - `external` the agents API (`/v1/agents…`): `{error, details?}`.
 */
export type ApiGeneration = 'v1' | 'v1-agent' | 'v2' | 'external';

export function generationOf(method: string, url: string): ApiGeneration {
  const path = url.split('?')[0] ?? url;
  if (path.startsWith('/api/v2/')) return 'v2';
  if (method === 'POST' && /^\/api\/v1\/agent\/?$/.test(path)) return 'v1-agent';
  if (path.startsWith('/v1/')) return 'external';
  return 'v1';
}

const STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  PLAN_LIMIT_REACHED: 402,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONCURRENCY_CONFLICT: 409,
  ALREADY_EXISTS: 409,
  INVALID_STATE: 409,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  NOT_IMPLEMENTED: 501,
  SERVICE_UNAVAILABLE: 503,
};

export const statusOf = (code: ErrorCode): number => STATUS[code] ?? 500;

/** The `POST /api/v1/agent` API lists validation errors as `{field: [messages]}`. */
const fieldMap = (wire: WireError): Record<string, string[]> => {
  // No prototype: a field named `constructor` or `__proto__` (a hostile form) is a key like any other.
  const map: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  for (const f of wire.fields ?? []) (map[f.field] ??= []).push(f.message);
  return map;
};

export function errorBody(generation: ApiGeneration, wire: WireError): Record<string, unknown> {
  const hasFields = !!wire.fields?.length;
  switch (generation) {
    case 'v2':
      return { status: 'error', error: wire.code, message: wire.message, ...(hasFields ? { details: wire.fields } : {}) };
    case 'v1-agent':
      return wire.code === ErrorCode.VALIDATION_FAILED
        ? { status: 'error', code: 'validation_errors', message: wire.message, errors: fieldMap(wire) }
        : { status: 'error', code: wire.code.toLowerCase(), message: wire.message };
    case 'external':
      return { error: wire.message, ...(hasFields ? { details: wire.fields } : {}) };
    default:
      return { status: 'error', message: wire.message, code: wire.code, ...(hasFields ? { data: { fields: wire.fields } } : {}) };
  }
}
