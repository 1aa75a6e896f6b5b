import type { Command } from 'commander';
import type { AgentryClient } from '@agentry/client';
import { CliError, EXIT } from '../exit-codes.js';
import { printJson, styleFor } from '../output.js';
import { ProgressBar } from '../progress-bar.js';
import { connect } from '../session.js';
import { oneLine, terminalSafe } from '../text.js';

export function parseArgument(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CliError(EXIT.usage, `--arg is not JSON: ${oneLine((error as Error).message, 120)}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new CliError(EXIT.usage, '--arg must be a JSON object, e.g. --arg \'{"query":"x"}\'');
  return parsed as Record<string, unknown>;
}

/** `{progress, label}` from a container record (`progress` is `{progress, label}` or a number). */
function progressOf(container: Record<string, unknown>): { progress: number; label: string | null } | undefined {
  const p = container['progress'];
  if (typeof p === 'number') return { progress: p, label: typeof container['progressLabel'] === 'string' ? container['progressLabel'] : null };
  if (p && typeof p === 'object' && typeof (p as { progress?: unknown }).progress === 'number') {
    const label = (p as { label?: unknown }).label;
    return { progress: (p as { progress: number }).progress, label: typeof label === 'string' ? oneLine(label, 50) : null };
  }
  return undefined;
}

/** The ended container's record: the live stream can end a moment before the record is final. */
async function endedContainer(client: AgentryClient, containerId: string): Promise<Record<string, unknown>> {
  for (let attempt = 0; ; attempt++) {
    const record = (await client.containers.fetch(containerId, { withResultObject: true })) as Record<string, unknown>;
    if (record['status'] === 'finished' || record['status'] === 'launch error' || attempt >= 50) return record;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function resultObjectOf(record: Record<string, unknown>): unknown {
  const raw = record['resultObject'];
  if (typeof raw !== 'string') return raw ?? null;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

export function runCommand(program: Command): void {
  program
    .command('run <agent>')
    .description("launch an agent; --follow streams its console live, shows its progress, prints its result object and exits with the run's exit code")
    .option('--arg <json>', 'the argument (a JSON object); without it the saved one is used')
    .option('--follow', 'stream the console until the run ends')
    .option('--json', 'print the launch (or, with --follow, the ended run) as JSON; console lines go to stderr')
    .action(async (agent: string, opts: { arg?: string; follow?: boolean; json?: boolean }) => {
      const argument = parseArgument(opts.arg);
      const client = connect();
      if (!opts.follow) {
        const launched = await client.agents.launch(agent, argument);
        if (opts.json) return printJson(launched);
        process.stdout.write(`launched container ${launched.containerId}\n`);
        return;
      }
      const consoleStream = opts.json ? process.stderr : process.stdout;
      const tty = !!consoleStream.isTTY;
      const bar = new ProgressBar(process.stderr);
      const style = styleFor(process.stderr);
      let containerId: string | undefined;
      let poller: NodeJS.Timeout | undefined;
      const pollProgress = () => {
        if (!containerId || !bar.enabled || poller) return;
        poller = setInterval(() => {
          client.containers
            .fetch(containerId!)
            .then((record) => {
              const progress = progressOf(record as Record<string, unknown>);
              if (progress) bar.update(progress.progress, progress.label);
            })
            .catch(() => undefined);
        }, 1000);
      };
      try {
        for await (const event of client.follow(agent, { argument })) {
          if (event.kind === 'output') {
            bar.clear();
            consoleStream.write((tty ? terminalSafe(event.text) : event.text) + (event.newline ? '\n' : ''));
            bar.draw();
          } else if (event.kind === 'error') {
            bar.clear();
            process.stderr.write(style.red(`agentry: the stream reported: ${event.message}`) + '\n');
          } else {
            if (!containerId) process.stderr.write(style.dim(`container ${event.containerId} ${event.kind}`) + '\n');
            containerId = event.containerId;
            if (event.kind === 'running') pollProgress();
            if (event.kind === 'ended') break;
          }
        }
      } finally {
        clearInterval(poller);
        bar.clear();
      }
      if (!containerId) throw new CliError(EXIT.unavailable, 'the stream ended before naming its container');
      const record = await endedContainer(client, containerId);
      const exitCode = typeof record['exitCode'] === 'number' ? record['exitCode'] : null;
      const resultObject = resultObjectOf(record);
      if (opts.json) {
        printJson({ containerId, status: record['status'], endType: record['endType'] ?? null, exitCode, resultObject });
      } else {
        if (resultObject !== null) process.stdout.write(`${style.bold('result object')}\n${JSON.stringify(resultObject, null, 2)}\n`);
        const ended = `run ${containerId} ended (${String(record['endType'] ?? record['status'])}) with exit code ${exitCode ?? 'none'}`;
        process.stderr.write((exitCode === 0 ? style.green(ended) : style.red(ended)) + '\n');
      }
      // The run's own code; a run that ended without one (killed, timed out) is a failure.
      process.exitCode = exitCode === null ? EXIT.runFailed : Math.min(255, Math.max(0, exitCode));
    });
}
