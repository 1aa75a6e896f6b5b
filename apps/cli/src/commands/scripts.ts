import { readFileSync, watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Command } from 'commander';
import { CliError, EXIT } from '../exit-codes.js';
import { formatTime, printJson, printTable } from '../output.js';
import { connect, type ReadOptions } from '../session.js';

function readScript(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(EXIT.usage, `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

export function scriptsCommand(program: Command): void {
  const scripts = program.command('scripts').description('list scripts, push a file as a script');

  scripts
    .command('ls')
    .description("the org's scripts")
    .option('--json', 'print the API answer as JSON')
    .action(async (opts: ReadOptions) => {
      const list = await connect().scripts.list();
      if (opts.json) return printJson(list);
      printTable(
        ['ID', 'NAME', 'UPDATED'],
        (list as Record<string, unknown>[]).map((s) => [s['id'], s['name'], formatTime(s['lastSaveAt'] ?? s['updatedAt'])]),
      );
    });

  scripts
    .command('push <file>')
    .description('save the file as the script of its name (or --name); --watch saves it again on every change')
    .option('--name <name>', 'the script name (default: the file name)')
    .option('--watch', 'keep running, re-upload when the file is saved')
    .option('--json', 'print the API answer as JSON')
    .action(async (file: string, opts: ReadOptions & { name?: string; watch?: boolean }) => {
      const client = connect();
      const name = opts.name ?? basename(file);
      let last: string | undefined;
      const push = async () => {
        const code = readScript(file);
        if (code === last) return;
        last = code;
        const saved = await client.scripts.save(name, code);
        if (opts.json) printJson(saved);
        else process.stdout.write(`${saved.created ? 'created' : 'saved'} script ${saved.name} (${saved.id})\n`);
      };
      if (!opts.watch) return push();
      // Editors save by rename or by several writes: changes are coalesced and the content compared.
      let timer: NodeJS.Timeout | undefined;
      let chain = Promise.resolve();
      const schedule = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          chain = chain.then(push).catch((error: unknown) => void process.stderr.write(`agentry: ${(error as Error).message}\n`));
        }, 100);
      };
      // Watching the folder survives editors that replace the file. It starts before the first
      // upload, so a save made while that upload runs is not missed.
      const folder = watch(dirname(file), (_event, changed) => {
        if (!changed || changed.toString() === basename(file)) schedule();
      });
      try {
        await push();
      } catch (error) {
        folder.close();
        throw error;
      }
      process.stderr.write(`watching ${file} (Ctrl-C to stop)\n`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          folder.close();
          resolve();
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await chain;
    });
}
