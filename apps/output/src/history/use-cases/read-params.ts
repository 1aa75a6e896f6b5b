import { validationFailed } from '@agentry/contracts';

type Params = Record<string, unknown> | undefined;

/** An integer given as a number or as decimal digits (the gateway passes numbers; be lenient with strings). */
function integerOf(value: unknown): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : null;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : null;
  }
  return null;
}

export function readOptionalInt(params: Params, field: string, range: { min: number; max?: number }): number | undefined {
  const raw = params?.[field];
  if (raw === undefined || raw === null) return undefined;
  const n = integerOf(raw);
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  if (n === null || n < range.min || n > max) {
    const bounds = range.max === undefined ? `at least ${range.min}` : `between ${range.min} and ${range.max}`;
    throw validationFailed([{ field, message: `must be an integer ${bounds}` }]);
  }
  return n;
}

/** A required id: a positive integer. */
export function readId(params: Params, field: string): number {
  const id = readOptionalInt(params, field, { min: 1 });
  if (id === undefined) throw validationFailed([{ field, message: 'is required' }]);
  return id;
}

export function readOptionalBool(params: Params, field: string): boolean {
  const raw = params?.[field];
  if (raw === undefined || raw === null) return false;
  if (typeof raw !== 'boolean') throw validationFailed([{ field, message: 'must be a boolean' }]);
  return raw;
}

export function readOptionalChoice<T extends string>(params: Params, field: string, choices: readonly T[]): T | undefined {
  const raw = params?.[field];
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'string' || !choices.includes(raw as T)) {
    throw validationFailed([{ field, message: `must be one of ${choices.join(', ')}` }]);
  }
  return raw as T;
}
