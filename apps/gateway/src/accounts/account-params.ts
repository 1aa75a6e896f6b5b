import { validationFailed, type OrgPlan } from '@agentry/contracts';
import type { RawParams } from '../http/params.decorator.js';

const bad = (field: string, message: string) => validationFailed([{ field, message }]);

/** A count sent as a number (JSON) or a string of digits (query / form); the registry checks its range. */
function toCount(value: unknown, field: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value);
  throw bad(field, 'must be an integer');
}

/** `plan.maxRunningContainers` (optional: absent → the operator's default), from the object or a flat form field. */
function runningCapOf(plan: Record<string, unknown> | null, p: RawParams): { maxRunningContainers?: number } {
  const raw = plan ? plan['maxRunningContainers'] : (p['plan[maxRunningContainers]'] ?? p['plan.maxRunningContainers']);
  if (raw === undefined || raw === null || raw === '') return {};
  return { maxRunningContainers: toCount(raw, 'plan.maxRunningContainers') };
}

/**
 * `plan` as a JSON object, a JSON string (query / form), or form fields `plan[maxAgents]` /
 * `plan.maxAgents` (and `plan[maxRunningContainers]`). Absent: undefined (the registry says it is required).
 */
export function readPlan(p: RawParams): OrgPlan | undefined {
  let plan = p['plan'];
  if (typeof plan === 'string') {
    try {
      plan = JSON.parse(plan);
    } catch {
      throw bad('plan', 'must be an object like {"maxAgents": 10}');
    }
  }
  if (plan === undefined || plan === null) {
    const flat = p['plan[maxAgents]'] ?? p['plan.maxAgents'];
    return flat === undefined ? undefined : { maxAgents: toCount(flat, 'plan.maxAgents'), ...runningCapOf(null, p) };
  }
  if (typeof plan !== 'object' || Array.isArray(plan)) throw bad('plan', 'must be an object like {"maxAgents": 10}');
  const maxAgents = (plan as Record<string, unknown>)['maxAgents'];
  if (maxAgents === undefined || maxAgents === null || maxAgents === '') throw bad('plan.maxAgents', 'is required');
  return { maxAgents: toCount(maxAgents, 'plan.maxAgents'), ...runningCapOf(plan as Record<string, unknown>, p) };
}
