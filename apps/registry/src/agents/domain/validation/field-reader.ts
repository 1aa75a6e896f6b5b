import type { FieldError } from '@agentry/contracts';

/** Marks "the client did not send this field" (as opposed to `null`, which clears a setting). */
export const ABSENT = Symbol('absent');
export type Maybe<T> = T | typeof ABSENT;

export interface NumberRule {
  min: number;
  max: number;
  integer?: boolean;
  /** Completes "must be …", e.g. "an integer number of seconds". */
  what?: string;
}

/**
 * Reads untyped client fields one by one, collecting every problem as a `FieldError` that
 * names the field and says what to send instead. Values arrive as JSON types: the gateway decodes
 * query-string and form text before sending (apps/gateway/src/agents/save-field-text.ts).
 */
export class FieldReader {
  readonly errors: FieldError[] = [];

  constructor(private readonly input: Record<string, unknown>) {}

  has(field: string): boolean {
    return this.input[field] !== undefined;
  }

  raw(field: string): unknown {
    return this.input[field];
  }

  fail(field: string, message: string): typeof ABSENT {
    this.errors.push({ field, message });
    return ABSENT;
  }

  string(field: string, opts: { max: number; min?: number; pattern?: RegExp; patternHint?: string }): Maybe<string | null> {
    const value = this.input[field];
    if (value === undefined) return ABSENT;
    if (value === null) return null;
    return checkString(this, field, value, opts);
  }

  number(field: string, rule: NumberRule): Maybe<number | null> {
    const value = this.input[field];
    if (value === undefined) return ABSENT;
    if (value === null) return null;
    return checkNumber(this, field, value, rule);
  }

  boolean(field: string): Maybe<boolean | null> {
    const value = this.input[field];
    if (value === undefined) return ABSENT;
    if (value === null) return null;
    if (typeof value !== 'boolean') return this.fail(field, 'must be a boolean (true or false)');
    return value;
  }

  enumValue<T extends string>(field: string, allowed: readonly T[]): Maybe<T | null> {
    const value = this.input[field];
    if (value === undefined) return ABSENT;
    if (value === null) return null;
    return checkEnum(this, field, value, allowed);
  }

  /** An object, or (when `acceptJsonText`) its JSON text. */
  object(field: string, opts: { acceptJsonText?: boolean } = {}): Maybe<Record<string, unknown> | null> {
    const value = this.jsonValue(field, opts.acceptJsonText ?? false);
    if (value === ABSENT || value === null) return value;
    if (!isPlainObject(value)) return this.fail(field, 'must be a JSON object');
    return value;
  }

  array(field: string): Maybe<unknown[] | null> {
    const value = this.input[field];
    if (value === undefined) return ABSENT;
    if (value === null) return null;
    if (Array.isArray(value)) return value;
    return this.fail(field, 'must be an array');
  }

  /** Any JSON value, given as such or as JSON text (parsed). */
  jsonValue(field: string, acceptJsonText: boolean): Maybe<unknown> {
    const value = this.input[field];
    if (value === undefined) return ABSENT;
    if (value === null) return null;
    if (typeof value === 'string' && acceptJsonText) {
      const parsed = parseJson(value);
      if (parsed === ABSENT) return this.fail(field, 'must be valid JSON (an object, or a string holding JSON text)');
      return parsed;
    }
    return value;
  }
}

/** What sub-parsers need from a FieldReader: report a problem, count problems so far. */
export type Reporter = Pick<FieldReader, 'fail' | 'errors'>;

function checkString(r: Reporter, field: string, value: unknown, opts: { max: number; min?: number; pattern?: RegExp; patternHint?: string }): Maybe<string> {
  if (typeof value !== 'string') return r.fail(field, `must be a string of at most ${opts.max} characters`);
  const min = opts.min ?? 0;
  if (value.length < min || value.length > opts.max) {
    return r.fail(field, min > 0 ? `must be ${min} to ${opts.max} characters long` : `must be at most ${opts.max} characters long`);
  }
  if (opts.pattern && !opts.pattern.test(value)) return r.fail(field, opts.patternHint ?? `must match ${opts.pattern}`);
  return value;
}

export function checkNumber(r: Reporter, field: string, value: unknown, rule: NumberRule): Maybe<number> {
  const what = rule.what ?? (rule.integer ? 'an integer' : 'a number');
  const expected = `must be ${what} between ${rule.min} and ${rule.max}`;
  if (typeof value !== 'number' || !Number.isFinite(value)) return r.fail(field, expected);
  if (rule.integer && !Number.isInteger(value)) return r.fail(field, expected);
  if (value < rule.min || value > rule.max) return r.fail(field, expected);
  return value;
}

function checkEnum<T extends string>(r: Reporter, field: string, value: unknown, allowed: readonly T[]): Maybe<T> {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    return r.fail(field, `must be one of: ${allowed.map((a) => `"${a}"`).join(', ')}`);
  }
  return value as T;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return ABSENT;
  }
}
