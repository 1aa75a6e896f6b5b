import { validationFailed } from '@agentry/contracts';
import type { RawParams } from './params.decorator.js';

/**
 * Reads one parameter that may arrive typed (JSON body) or as a string (query / form) and
 * throws a VALIDATION_FAILED naming the field when it can't be used.
 */
const bad = (field: string, message: string) => validationFailed([{ field, message }]);

export function readString(p: RawParams, field: string, opts: { required?: boolean; maxLength?: number } = {}): string | undefined {
  const v = p[field];
  if (v === undefined || v === null || v === '') {
    if (opts.required) throw bad(field, 'is required');
    return undefined;
  }
  if (typeof v !== 'string' && typeof v !== 'number') throw bad(field, 'must be a string');
  const s = String(v);
  if (opts.maxLength !== undefined && s.length > opts.maxLength) throw bad(field, `must be at most ${opts.maxLength} characters`);
  return s;
}

export function readInt(p: RawParams, field: string, opts: { required?: boolean; min?: number; max?: number } = {}): number | undefined {
  const v = p[field];
  if (v === undefined || v === null || v === '') {
    if (opts.required) throw bad(field, 'is required');
    return undefined;
  }
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n)) throw bad(field, 'must be an integer');
  if (opts.min !== undefined && n < opts.min) throw bad(field, `must be ≥ ${opts.min}`);
  if (opts.max !== undefined && n > opts.max) throw bad(field, `must be ≤ ${opts.max}`);
  return n;
}

/** An object id: v1 sends numbers, v2 sends strings of digits. */
export const readId = (p: RawParams, field: string, opts: { required?: boolean } = { required: true }): number | undefined =>
  readInt(p, field, { ...opts, min: 1 });

/** The v1 API flags: "if present and not empty" means true; JSON bodies may send booleans. */
export function readFlag(p: RawParams, field: string): boolean {
  const v = p[field];
  if (v === undefined || v === null || v === '' || v === false || v === 0) return false;
  if (v === 'false' || v === '0') return false;
  return true;
}

/**
 * A boolean the v2 document types as one but real clients send as text or numbers: `true`/`false`,
 * `1`/`0` (any number: non-zero is true), `yes`/`no`, `on`/`off`. Anything else is still a 400.
 */
export function readLooseBool(p: RawParams, field: string): boolean | undefined {
  const v = p[field];
  if (typeof v === 'number' && Number.isFinite(v)) return v !== 0;
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim())) return Number(v) !== 0;
  if (typeof v === 'string' && /^(yes|on)$/i.test(v.trim())) return true;
  if (typeof v === 'string' && /^(no|off)$/i.test(v.trim())) return false;
  if (typeof v === 'string' && /^(true|false)$/i.test(v.trim())) return v.trim().toLowerCase() === 'true';
  return readBool(p, field);
}

export function readBool(p: RawParams, field: string): boolean | undefined {
  const v = p[field];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw bad(field, 'must be true or false');
}

/** A list given as an array, a JSON array string or a comma-separated string. */
export function readList(p: RawParams, field: string): string[] | undefined {
  const v = p[field];
  if (v === undefined || v === null || v === '') return undefined;
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === 'string') {
    if (v.trim().startsWith('[')) {
      try {
        const parsed: unknown = JSON.parse(v);
        if (Array.isArray(parsed)) return parsed.map(String);
      } catch {
        throw bad(field, 'must be a JSON array or a comma-separated list');
      }
    }
    return v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }
  if (typeof v === 'number') return [String(v)];
  throw bad(field, 'must be a list');
}
