import { AgentryApiError, AgentryClient, AgentryError, type CallInput, type OperationId } from '@agentry/client';
import { storedKey } from './session';

/** One field the API refused, as its 400 answers list them. */
export interface FieldError {
  field: string;
  message: string;
}

/** An error answer of the API (or no answer), as the pages show it: a message and the fields it named. */
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

/** The typed client (`@agentry/client`) on this page's own origin, with the stored key or the one given. */
function client(key?: string): AgentryClient {
  return new AgentryClient({ url: window.location.origin, apiKey: key ?? storedKey() ?? undefined });
}

/** The client's errors as the pages' ApiError: the API's own message, and its fields for the form. */
function pageError(error: unknown): unknown {
  if (error instanceof AgentryApiError) return new ApiError(error.status, error.apiMessage, error.fields);
  if (error instanceof AgentryError) return new ApiError(0, error.message);
  return error; // an abort, or a bug: not dressed up as the API's answer
}

export interface CallOptions {
  /** Send this key instead of the stored one (signing in checks a key before keeping it). */
  key?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/**
 * An operation of the API by its operationId, answering its JSON. The console's inputs are
 * what a person typed (a form may send text where the API wants a number, to get the API's own
 * message back), so they are not held to the document's types here; answers are typed by the
 * caller in api/agentry.ts.
 */
export async function call<T>(
  operation: OperationId,
  input: { path?: Record<string, unknown>; query?: Record<string, unknown>; body?: unknown },
  options: CallOptions = {},
): Promise<T> {
  try {
    if (options.headers || options.signal) {
      const response = await client(options.key).request(operation, input as CallInput<typeof operation>, { headers: options.headers, signal: options.signal });
      return (await response.json()) as T;
    }
    return (await client(options.key).call(operation, input as CallInput<typeof operation>)) as T;
  } catch (error) {
    throw pageError(error);
  }
}

/** The same, answering the raw Response (streams, files). */
export async function send(
  operation: OperationId,
  input: { path?: Record<string, unknown>; query?: Record<string, unknown>; body?: unknown },
  options: CallOptions = {},
): Promise<Response> {
  try {
    return await client(options.key).request(operation, input as CallInput<typeof operation>, { headers: options.headers, signal: options.signal });
  } catch (error) {
    throw pageError(error);
  }
}
