import type { AgentView, ContainerView } from '@agentry/contracts';

/**
 * One CSV field. Text a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, tab, CR first) is
 * prefixed with `'`: agent names are chosen by API callers, and an export is opened by people.
 */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const csv = (rows: (string | number | null)[][]): string => rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';

const runSeconds = (c: ContainerView): number => (c.startedAt !== null && c.endedAt !== null ? Math.round((c.endedAt - c.startedAt) / 1000) : 0);
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** v2 `orgs/export-container-usage`: one line per container. */
export function containerUsageCsv(containers: ContainerView[], agentNames: Map<number, string | null>): string {
  return csv([
    ['containerId', 'agentId', 'agentName', 'launchType', 'createdAt', 'startedAt', 'endedAt', 'executionTimeSeconds', 'endType', 'exitCode'],
    ...containers.map((c) => [
      String(c.id),
      String(c.agentId),
      agentNames.get(c.agentId) ?? null,
      c.launchType,
      iso(c.queuedAt),
      iso(c.startedAt),
      iso(c.endedAt),
      runSeconds(c),
      c.endType,
      c.exitCode,
    ]),
  ]);
}

/** v2 `orgs/export-agent-usage`: one line per agent, its containers and run time summed. */
export function agentUsageCsv(agents: AgentView[], containersOf: Map<number, ContainerView[]>): string {
  return csv([
    ['agentId', 'agentName', 'containers', 'executionTimeSeconds'],
    ...agents.map((a) => {
      const containers = containersOf.get(a.id) ?? [];
      return [String(a.id), a.settings.name, containers.length, containers.reduce((sum, c) => sum + runSeconds(c), 0)];
    }),
  ]);
}
