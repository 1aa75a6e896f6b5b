/**
 * Domain errors travel between services as plain objects (`WireError`) and are mapped to
 * HTTP statuses by the gateway only. Services never speak HTTP.
 */
export const ErrorCode = {
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONCURRENCY_CONFLICT: 'CONCURRENCY_CONFLICT',
  ALREADY_EXISTS: 'ALREADY_EXISTS',
  INVALID_STATE: 'INVALID_STATE',
  PLAN_LIMIT_REACHED: 'PLAN_LIMIT_REACHED',
  PRECONDITION_FAILED: 'PRECONDITION_FAILED',
  RATE_LIMITED: 'RATE_LIMITED',
  /** A request too large to carry (e.g. over the message bus's max_payload once encoded): HTTP 413. */
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  /** An operation of the PhantomBuster API that Agentry deliberately does not provide (org storage, AI…): HTTP 501. */
  NOT_IMPLEMENTED: 'NOT_IMPLEMENTED',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** One problem with one input field; `field` is the name the client sent (dotted for nesting). */
export interface FieldError {
  field: string;
  message: string;
}

export interface WireError {
  code: ErrorCode;
  message: string;
  fields?: FieldError[];
  retryAfterSeconds?: number;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: FieldError[],
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  toWire(): WireError {
    const wire: WireError = { code: this.code, message: this.message };
    if (this.fields?.length) wire.fields = this.fields;
    if (this.retryAfterSeconds !== undefined) wire.retryAfterSeconds = this.retryAfterSeconds;
    return wire;
  }

  static fromWire(wire: WireError): DomainError {
    return new DomainError(wire.code, wire.message, wire.fields, wire.retryAfterSeconds);
  }
}

export const validationFailed = (fields: FieldError[], message?: string): DomainError =>
  new DomainError(ErrorCode.VALIDATION_FAILED, message ?? `Invalid parameters: ${fields.map((f) => `${f.field} (${f.message})`).join('; ')}`, fields);

export const notFound = (what: string): DomainError => new DomainError(ErrorCode.NOT_FOUND, `${what} not found`);

export const forbidden = (message: string): DomainError => new DomainError(ErrorCode.FORBIDDEN, message);

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;
