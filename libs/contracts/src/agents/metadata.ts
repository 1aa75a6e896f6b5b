import type { FieldError } from '../errors.js';

/**
 * Bounds of a `userCustomMetadata` / `internalMetadata` object (an agent's, or a launch's, kept on the
 * container): at most 100 keys (the v2 document's `maxProperties`), keys of 1 to 100 characters, flat
 * scalar values, text values of at most 2000 characters — so one object is at most ~210 KB of JSON and
 * fits the event it travels in.
 */
export const METADATA_MAX_KEYS = 100;
export const METADATA_MAX_KEY_LENGTH = 100;
export const METADATA_MAX_TEXT_VALUE = 2000;

const isScalar = (v: unknown): boolean => v === null || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'string';

/**
 * What is wrong with a metadata object (already known to be a plain object), each error naming the field
 * (`userCustomMetadata`, or `userCustomMetadata.<key>` for one value); empty when it is a valid MetadataObject.
 */
export function metadataErrors(field: string, value: Record<string, unknown>): FieldError[] {
  const entries = Object.entries(value);
  if (entries.length > METADATA_MAX_KEYS) return [{ field, message: `must have at most ${METADATA_MAX_KEYS} keys` }];
  const errors: FieldError[] = [];
  for (const [key, v] of entries) {
    if (key.length === 0 || key.length > METADATA_MAX_KEY_LENGTH)
      errors.push({ field, message: `keys must be 1 to ${METADATA_MAX_KEY_LENGTH} characters long` });
    if (!isScalar(v)) errors.push({ field: `${field}.${key}`, message: 'must be a string, number, boolean or null (metadata values are flat)' });
    else if (typeof v === 'string' && v.length > METADATA_MAX_TEXT_VALUE)
      errors.push({ field: `${field}.${key}`, message: `must be at most ${METADATA_MAX_TEXT_VALUE} characters long` });
  }
  return errors;
}
