import type { Command } from 'commander';
import { AgentryClient } from '@agentry/client';
import { saveCredentials } from '../config-file.js';
import { CliError, EXIT } from '../exit-codes.js';

/** Reads the key from standard input (`--key -`), so it stays out of the shell history and `ps`. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

export function loginCommand(program: Command): void {
  program
    .command('login')
    .description('check a gateway URL and API key, then save them in ~/.config/agentry/config.json (mode 0600)')
    .requiredOption('--url <url>', 'the gateway, e.g. http://127.0.0.1:3000', process.env['AGENTRY_URL'])
    .option('--key <key>', 'the API key; "-" reads it from standard input', process.env['AGENTRY_API_KEY'])
    .action(async (opts: { url: string; key?: string }) => {
      const apiKey = opts.key === '-' ? await readStdin() : opts.key;
      if (!apiKey) throw new CliError(EXIT.usage, 'no API key: pass --key <key>, --key - (read from standard input) or set AGENTRY_API_KEY');
      const client = new AgentryClient({ url: opts.url, apiKey, userAgent: 'agentry-cli' });
      // Only a key the gateway accepts is saved.
      const org = await client.orgs.fetch();
      const path = saveCredentials({ url: client.url, apiKey });
      process.stdout.write(
        `logged in to ${client.url} (org ${String((org as { name?: unknown }).name ?? (org as { id?: unknown }).id ?? '?')}); saved in ${path}\n`,
      );
    });
}
