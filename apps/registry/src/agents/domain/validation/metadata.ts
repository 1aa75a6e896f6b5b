import type { MetadataObject } from '@agentry/contracts';
import { ABSENT, type Maybe, type Reporter } from './field-reader.js';

const MAX_KEYS = 100;
const MAX_KEY_LENGTH = 100;
const MAX_TEXT_VALUE = 2000;

/** `userCustomMetadata` / `internalMetadata`: a flat object of scalar values. */
export function parseMetadata(r: Reporter, field: string, value: Record<string, unknown>): Maybe<MetadataObject> {
  const entries = Object.entries(value);
  if (entries.length > MAX_KEYS) return r.fail(field, `must have at most ${MAX_KEYS} keys`);
  const before = r.errors.length;
  for (const [key, v] of entries) {
    if (key.length === 0 || key.length > MAX_KEY_LENGTH) r.fail(field, `keys must be 1 to ${MAX_KEY_LENGTH} characters long`);
    const scalar = v === null || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'string';
    if (!scalar) r.fail(`${field}.${key}`, 'must be a string, number, boolean or null (metadata values are flat)');
    else if (typeof v === 'string' && v.length > MAX_TEXT_VALUE) r.fail(`${field}.${key}`, `must be at most ${MAX_TEXT_VALUE} characters long`);
  }
  return r.errors.length === before ? (value as MetadataObject) : ABSENT;
}
