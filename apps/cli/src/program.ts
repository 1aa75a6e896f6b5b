import { Command, CommanderError } from 'commander';
import { AgentryApiError, AgentryConnectionError, AgentryResponseError } from '@agentry/client';
import { agentsCommand } from './commands/agents.js';
import { completionCommand } from './commands/completion.js';
import { containersCommand } from './commands/containers.js';
import { keysCommand } from './commands/keys.js';
import { loginCommand } from './commands/login.js';
import { runCommand } from './commands/run.js';
import { scriptsCommand } from './commands/scripts.js';
import { CliError, EXIT } from './exit-codes.js';
import { styleFor } from './output.js';
import { oneLine } from './text.js';

export function buildProgram(): Command {
  const program = new Command('agentry')
    .description("Agentry's command line: agents, scripts, runs with a live console, keys")
    .version('0.1.0')
    .showHelpAfterError('(run agentry --help for the commands)')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) });
  loginCommand(program);
  agentsCommand(program);
  scriptsCommand(program);
  runCommand(program);
  containersCommand(program);
  keysCommand(program);
  completionCommand(program);
  // Subcommands fail like the program (no process.exit from inside commander).
  const override = (command: Command) => {
    command.exitOverride();
    command.commands.forEach(override);
  };
  override(program);
  return program;
}

/** One line and an exit code for anything a command throws: never a stack trace. */
export function report(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander already printed its one-line message (or the help / version).
    return error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? EXIT.ok : EXIT.usage;
  }
  const style = styleFor(process.stderr);
  let code: number = EXIT.software;
  let message: string;
  if (error instanceof AgentryApiError) {
    code = EXIT.api;
    message = `${error.status}${error.code ? ` ${error.code}` : ''}: ${error.message}`;
  } else if (error instanceof AgentryResponseError || error instanceof AgentryConnectionError) {
    code = EXIT.unavailable;
    message = error.message;
  } else if (error instanceof CliError) {
    code = error.exitCode;
    message = error.message;
  } else {
    message = `unexpected error: ${error instanceof Error ? error.message : String(error)} (please report it)`;
  }
  process.stderr.write(style.red(`agentry: ${oneLine(message, 500)}`) + '\n');
  return code;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    return report(error);
  }
}
