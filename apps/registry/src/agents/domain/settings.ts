import { LaunchType, validationFailed, type AgentSettings, type FieldError } from '@agentry/contracts';

/** What a new agent holds for every setting the client did not send (one definition, in contracts). */
export { defaultAgentSettings as defaultSettings } from '@agentry/contracts';

/** Bumped when the shape of `AgentSettings` inside `AgentVersionSaved` changes. */
export const SETTINGS_SCHEMA_VERSION = 1;

/** Partial update: fields present in `patch` replace the current value, the others are kept. */
export function applyPatch(current: AgentSettings, patch: Partial<AgentSettings>): AgentSettings {
  const next = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value !== undefined) (next as Record<string, unknown>)[key] = value;
  }
  return next;
}

/** Rules between fields, checked on the settings as they will be stored (after a partial update). */
export function crossFieldProblems(s: AgentSettings): FieldError[] {
  const problems: FieldError[] = [];
  const need = (ok: boolean, field: string, message: string) => {
    if (!ok) problems.push({ field, message });
  };
  need(
    s.launchType !== LaunchType.once || s.launchOnceAt !== null || s.schedule?.mode === 'ONCE',
    'launchOnceAt',
    'is required when launchType is "once": the launch time as a Unix timestamp in milliseconds (or a schedule with mode "ONCE")',
  );
  need(
    s.launchType !== LaunchType.afterAgent || s.launchAfterAgentId !== null,
    'launchAfterAgentId',
    'is required when launchType is "after agent": the id of the agent whose end triggers this one',
  );
  need(
    // An agents API recurring `schedule` (times, rateMinutes, cronExpression) is the other way to say when.
    s.launchType !== LaunchType.repeatedly ||
      s.repeatedLaunchTimes !== null ||
      (s.schedule !== null && s.schedule.mode === 'SCHEDULED' && s.schedule.kind !== 'manual'),
    'repeatedLaunchTimes',
    'is required when launchType is "repeatedly": send repeatedLaunchTimes, repeatedLaunchPreset or a recurring schedule',
  );
  need(
    (s.proxyType !== 'http' && s.proxyType !== 'pool') || s.proxyAddress !== null,
    'proxyAddress',
    `is required when proxyType is "${s.proxyType}": the ${s.proxyType === 'pool' ? 'proxy pool name' : 'http address of the proxy'}`,
  );
  need(s.proxyType !== 'squid lease' || s.squidLeaseIdentifier !== null, 'squidLeaseIdentifier', 'is required when proxyType is "squid lease"');
  return problems;
}

export function assertConsistent(s: AgentSettings): void {
  const problems = crossFieldProblems(s);
  if (problems.length) throw validationFailed(problems);
}

/** Names of the settings whose value differs (deep, key-order independent). */
export function changedFields(before: AgentSettings | null, after: AgentSettings): string[] {
  if (!before) return [];
  return (Object.keys(after) as (keyof AgentSettings)[]).filter((k) => canonicalJson(before[k]) !== canonicalJson(after[k]));
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
