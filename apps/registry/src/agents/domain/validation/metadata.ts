import { metadataErrors, type MetadataObject } from '@agentry/contracts';
import { ABSENT, type Maybe, type Reporter } from './field-reader.js';

/** `userCustomMetadata` / `internalMetadata`: a flat object of scalar values (the bounds a launch's metadata has too). */
export function parseMetadata(r: Reporter, field: string, value: Record<string, unknown>): Maybe<MetadataObject> {
  const errors = metadataErrors(field, value);
  for (const e of errors) r.fail(e.field, e.message);
  return errors.length === 0 ? (value as MetadataObject) : ABSENT;
}
