import { storedKey } from './session';

/** One field the API refused, as its 400 answers list them (`details` / `data.fields`). */
export interface FieldError {
  field: string;
  message: string;
}

/** An error answer of the API, whatever its shape (v1 JSend, v2, the agents API). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields: FieldError[] = [],
  ) {
    super(message);
  }

  /** The messages for one field (and its nested fields: `schedule.times` belongs to `schedule`). */
  messagesFor(field: string): string[] {
    return this.fields.filter((f) => f.field === field || f.field.startsWith(`${field}.`)).map((f) => f.message);
  }
}

type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  query?: Query;
  json?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Send this key instead of the stored one (signing in checks a key before keeping it). */
  key?: string;
}

export function urlOf(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) if (value !== undefined) params.set(name, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

function errorOf(status: number, body: unknown): ApiError {
  const b = (body ?? {}) as { message?: string; error?: string; details?: FieldError[]; data?: { fields?: FieldError[] } };
  const message = b.message ?? b.error ?? `HTTP ${status}`;
  return new ApiError(status, message, b.details ?? b.data?.fields ?? []);
}

/** A request with the key in a header (never in the URL), answering the raw Response; errors throw ApiError. */
export async function send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
  const key = options.key ?? storedKey();
  const headers: Record<string, string> = { ...options.headers };
  if (key) headers['X-Phantombuster-Key-1'] = key;
  if (options.json !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(urlOf(path, options.query), {
    method,
    headers,
    body: options.json === undefined ? undefined : JSON.stringify(options.json),
    signal: options.signal,
    credentials: 'omit',
    cache: 'no-store',
  });
  if (!response.ok) {
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = { message: text || `HTTP ${response.status}` };
    }
    throw errorOf(response.status, body);
  }
  return response;
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(method, path, options);
  const text = await response.text();
  return (text ? JSON.parse(text) : null) as T;
}
