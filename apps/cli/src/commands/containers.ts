import type { Command } from 'commander';
import { formatTime, printJson, printTable } from '../output.js';
import { connect, type ReadOptions } from '../session.js';
import { terminalSafe } from '../text.js';

export function containersCommand(program: Command): void {
  program
    .command('logs <container>')
    .description("a run's console output; --follow streams it until the run ends")
    .option('--follow', 'keep streaming until the run ends')
    .option('--json', 'print {output, outputPos} as JSON (not with --follow)')
    .action(async (containerId: string, opts: ReadOptions & { follow?: boolean }) => {
      const client = connect();
      const tty = !!process.stdout.isTTY;
      if (!opts.follow) {
        const read = await client.containers.output(containerId);
        if (opts.json) return printJson(read);
        const text = String((read as { output?: unknown }).output ?? '');
        process.stdout.write(tty ? terminalSafe(text) : text);
        return;
      }
      for await (const chunk of client.containers.attach(containerId)) process.stdout.write(tty ? terminalSafe(chunk) : chunk);
    });

  program
    .command('containers')
    .description("an agent's runs")
    .command('ls <agent>')
    .description("the agent's runs, newest first")
    .option('--limit <n>', 'at most this many', (v) => Number.parseInt(v, 10))
    .option('--json', 'print the API answer as JSON')
    .action(async (agentId: string, opts: ReadOptions & { limit?: number }) => {
      const list = await connect().containers.list(agentId, { mode: 'all', ...(opts.limit ? { limit: opts.limit } : {}) });
      if (opts.json) return printJson(list);
      printTable(
        ['ID', 'STATUS', 'LAUNCH', 'CREATED', 'ENDED', 'END', 'EXIT'],
        list.containers.map((c) => [c.id, c.status, c.launchType, formatTime(c.createdAt), formatTime(c.endedAt), c.endType, c.exitCode]),
      );
    });

  program
    .command('schedule')
    .description("an agent's schedule")
    .command('next <agent>')
    .description("the agent's next launches")
    .option('--count <n>', 'how many (default 5)', (v) => Number.parseInt(v, 10))
    .option('--json', 'print the API answer as JSON')
    .action(async (agentId: string, opts: ReadOptions & { count?: number }) => {
      const next = await connect().agents.nextLaunchDates(agentId, opts.count);
      if (opts.json) return printJson(next);
      process.stdout.write(next.nextLaunchDates.length ? next.nextLaunchDates.map(formatTime).join('\n') + '\n' : 'no launch scheduled\n');
    });
}
