import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { BodyOf, components } from '@agentry/client';
import { CliError, EXIT } from '../exit-codes.js';
import { formatTime, printJson, printTable, styleFor } from '../output.js';
import { connect, type ReadOptions } from '../session.js';
import { oneLine } from '../text.js';

type AgentVersion = components['schemas']['AgentVersion'];

/** `agent.json`: the settings `agents/save` takes (with `id` it updates that agent). */
export function readAgentFile(file: string): BodyOf<'agentsSave'> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(EXIT.usage, `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CliError(EXIT.usage, `${file} is not JSON: ${oneLine((error as Error).message, 120)}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new CliError(EXIT.usage, `${file} must hold a JSON object (the agent's settings)`);
  return parsed as BodyOf<'agentsSave'>;
}

/** A version given as its number (`3`) or its id. */
function findVersion(versions: AgentVersion[], wanted: string): AgentVersion {
  const found = versions.find((v) => v.versionId === wanted || String(v.versionNumber) === wanted);
  if (!found) throw new CliError(EXIT.usage, `no version ${oneLine(wanted, 60)}: see agentry agents versions <agent>`);
  return found;
}

/** The settings that differ between two versions, one line each (`field: before → after`). */
export function diffSettings(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return fields.flatMap((field) => {
    const a = JSON.stringify(before[field] ?? null);
    const b = JSON.stringify(after[field] ?? null);
    return a === b ? [] : [`${field}: ${oneLine(a, 200)} → ${oneLine(b, 200)}`];
  });
}

export function agentsCommand(program: Command): void {
  const agents = program.command('agents').description('list, show, save, remove agents; their versions, diffs and rollbacks');

  agents
    .command('ls')
    .description("the org's agents")
    .option('--json', 'print the API answer as JSON')
    .action(async (opts: ReadOptions) => {
      const list = await connect().agents.list();
      if (opts.json) return printJson(list);
      printTable(
        ['ID', 'NAME', 'SCRIPT', 'LAUNCH', 'LAST END', 'EXIT', 'RUNNING'],
        list.map((a) => [a.id, a.name, a.script, a.launchType, a.lastEndType, a.lastExitCode, a.nbContainersRunning]),
      );
    });

  agents
    .command('show <agent>')
    .description('one agent and its next launches')
    .option('--json', 'print the API answer as JSON')
    .action(async (id: string, opts: ReadOptions) => {
      const agent = await connect().agents.fetch(id);
      if (opts.json) return printJson(agent);
      const style = styleFor(process.stdout);
      const a = agent as Record<string, unknown>;
      for (const field of ['id', 'name', 'script', 'branch', 'environment', 'launchType', 'argument', 'lastEndType', 'lastExitCode', 'nbLaunches']) {
        if (a[field] !== undefined)
          process.stdout.write(
            `${style.bold(field.padEnd(14))}${oneLine(typeof a[field] === 'string' ? (a[field] as string) : JSON.stringify(a[field]), 200)}\n`,
          );
      }
      const next = (a['nextLaunchDates'] as number[] | undefined) ?? [];
      process.stdout.write(`${style.bold('next launches'.padEnd(14))}${next.length ? next.map(formatTime).join(', ') : 'none'}\n`);
    });

  agents
    .command('save')
    .description('create or update an agent from a JSON file of its settings (with "id" it updates that agent)')
    .requiredOption('-f, --file <agent.json>', 'the settings')
    .option('--json', 'print the API answer as JSON')
    .action(async (opts: ReadOptions & { file: string }) => {
      const saved = await connect().agents.save(readAgentFile(opts.file));
      if (opts.json) return printJson(saved);
      process.stdout.write(`saved agent ${saved.id}\n`);
    });

  agents
    .command('rm <agent>')
    .description('delete an agent')
    .action(async (id: string) => {
      const deleted = await connect().agents.delete(id);
      process.stdout.write(`deleted agent ${deleted.id}\n`);
    });

  agents
    .command('versions <agent>')
    .description("the agent's saved versions, newest first")
    .option('--json', 'print the API answer as JSON')
    .action(async (id: string, opts: ReadOptions) => {
      const found = await connect().agents.versions(id);
      if (opts.json) return printJson(found);
      printTable(
        ['VERSION', 'ID', 'SAVED', 'REASON', 'CHANGED', 'CURRENT'],
        found.versions.map((v) => [v.versionNumber, v.versionId, formatTime(v.savedAt), v.reason, (v.changedFields ?? []).join(','), v.current ? '*' : '']),
      );
    });

  agents
    .command('diff <agent> <v1> <v2>')
    .description('the settings that differ between two versions (by number or id)')
    .option('--json', 'print the differences as JSON')
    .action(async (id: string, v1: string, v2: string, opts: ReadOptions) => {
      const { versions } = await connect().agents.versions(id);
      const before = findVersion(versions, v1).settings as Record<string, unknown>;
      const after = findVersion(versions, v2).settings as Record<string, unknown>;
      if (opts.json) {
        const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])]
          .filter((f) => JSON.stringify(before[f] ?? null) !== JSON.stringify(after[f] ?? null))
          .sort();
        return printJson(Object.fromEntries(fields.map((f) => [f, { before: before[f] ?? null, after: after[f] ?? null }])));
      }
      const lines = diffSettings(before, after);
      process.stdout.write(lines.length ? lines.join('\n') + '\n' : 'no difference\n');
    });

  agents
    .command('rollback <agent> <version>')
    .description('save an earlier version (by number or id) as the current one')
    .option('--json', 'print the API answer as JSON')
    .action(async (id: string, version: string, opts: ReadOptions) => {
      const client = connect();
      const { versions } = await client.agents.versions(id);
      const rolled = await client.agents.rollback(id, findVersion(versions, version).versionId);
      if (opts.json) return printJson(rolled);
      process.stdout.write(`agent ${rolled.id} rolled back to version ${version} (new version ${rolled.versionId})\n`);
    });
}
