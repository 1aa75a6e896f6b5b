import { validationFailed } from '@agentry/contracts';

/** Script ids are positive integers; anything else is the caller's mistake on the `id` field. */
export function readScriptId(params: { id?: unknown } | undefined): number {
  const id = params?.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) {
    throw validationFailed([{ field: 'id', message: 'must be a positive integer' }]);
  }
  return id;
}
