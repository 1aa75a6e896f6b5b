import { validationFailed } from '@agentry/contracts';

/** Agent ids are positive integers (v2 sends them as strings of digits). */
export function readAgentId(value: unknown, field = 'id'): number {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) {
    throw validationFailed([{ field, message: 'must be a positive integer agent id' }]);
  }
  return n;
}
