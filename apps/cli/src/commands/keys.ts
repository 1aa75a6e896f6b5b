import type { Command } from 'commander';
import type { AgentryClient } from '@agentry/client';
import { formatTime, printJson, printTable } from '../output.js';
import { connect, type ReadOptions } from '../session.js';

export function keysCommand(program: Command): void {
  const keys = program.command('keys').description("the org's API keys");

  keys
    .command('create')
    .description('create an API key; its secret is printed this once')
    .option('--name <name>', 'what the key is for')
    .requiredOption(
      '--role <role...>',
      'its roles: org:admin, org:read, org:manage_agents:create, org:manage_agents:update, org:manage_agents:launch, org:manage_scripts:write',
    )
    .option('--json', 'print the API answer as JSON')
    .action(async (opts: ReadOptions & { name?: string; role: string[] }) => {
      const created = await connect().keys.create(opts.role as Parameters<AgentryClient['keys']['create']>[0], opts.name);
      if (opts.json) return printJson(created);
      process.stdout.write(`created key ${created.id}${created.name ? ` (${created.name})` : ''}: ${created.key}\nIt is shown this once: store it now.\n`);
    });

  keys
    .command('ls')
    .description("the org's API keys (never their secrets)")
    .option('--json', 'print the API answer as JSON')
    .action(async (opts: ReadOptions) => {
      const { apiKeys } = await connect().keys.list();
      if (opts.json) return printJson(apiKeys);
      printTable(
        ['ID', 'NAME', 'PREFIX', 'ROLES', 'CREATED', 'REVOKED'],
        apiKeys.map((k) => [k.id, k.name, k.prefix, k.roles.join(','), formatTime(k.createdAt), k.revoked ? formatTime(k.revokedAt) : '']),
      );
    });

  keys
    .command('revoke <id>')
    .description('revoke an API key')
    .action(async (id: string) => {
      const revoked = await connect().keys.revoke(id);
      process.stdout.write(`revoked key ${revoked.id}\n`);
    });
}
