import { validationFailed, type AgentView, type FieldError } from '@agentry/contracts';
import type { RawParams } from '../http/params.decorator.js';

/** The agents API: "Defaults to daily at 09:00 if omitted". */
const DEFAULT_SCHEDULE = { mode: 'SCHEDULED', tasksPerDay: 1, times: ['09:00'] };

export interface ExternalCreate {
  /** Settings for `registry.agents.save` (JSON encoding). */
  fields: Record<string, unknown>;
  /** The schedule as the answer echoes it: a JSON string. */
  scheduleText: string;
}

function readSchedule(raw: unknown, problems: FieldError[]): Record<string, unknown> | null {
  if (raw === undefined || raw === null || raw === '') return DEFAULT_SCHEDULE;
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      problems.push({ field: 'schedule', message: 'must be an object or a JSON string of one' });
      return null;
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push({ field: 'schedule', message: 'must be an object or a JSON string of one' });
    return null;
  }
  return value as Record<string, unknown>;
}

const isBlank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

/**
 * The agents API `POST /v1/agents` → an ordinary agent save. The agents API's own 400 reasons (missing name, baseUrl or
 * mode; mode not "SCHEDULED") are checked here; the values themselves (URL, schedule) by the registry like any
 * save. `credentials` is "not yet supported via the external API": ignored, never stored.
 */
export function readExternalCreate(p: RawParams): ExternalCreate {
  const problems: FieldError[] = [];
  for (const field of ['name', 'baseUrl', 'mode']) if (isBlank(p[field])) problems.push({ field, message: 'is required' });
  if (!isBlank(p['mode']) && p['mode'] !== 'SCHEDULED') problems.push({ field: 'mode', message: 'must be "SCHEDULED"' });
  for (const field of ['name', 'baseUrl', 'content']) {
    if (!isBlank(p[field]) && typeof p[field] !== 'string') problems.push({ field, message: 'must be a string' });
  }
  const schedule = readSchedule(p['schedule'], problems);
  if (problems.length || !schedule) throw validationFailed(problems);
  const fields: Record<string, unknown> = {
    name: p['name'],
    baseUrl: p['baseUrl'],
    schedule, // the registry sets the launch type from it (manually for times [], once for ONCE, else repeatedly)
  };
  if (!isBlank(p['content'])) fields['content'] = p['content'];
  return { fields, scheduleText: JSON.stringify(schedule) };
}

/** The agents API's 201 body. */
export function externalAgent(agent: AgentView, scheduleText: string, userId: number) {
  const id = String(agent.id);
  return {
    data: {
      id,
      userId: String(userId),
      name: agent.settings.name,
      baseUrl: agent.settings.baseUrl,
      content: agent.settings.content,
      schedule: scheduleText,
      scheduleId: `agent-${id}`,
      mode: 'SCHEDULED',
      status: agent.status === 'active' ? 'ACTIVE' : 'INACTIVE',
      createdAt: new Date(agent.createdAt).toISOString(),
      updatedAt: new Date(agent.updatedAt).toISOString(),
    },
  };
}
