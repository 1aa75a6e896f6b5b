import type { Command } from 'commander';
import { CliError, EXIT } from '../exit-codes.js';

/** `command path → its subcommands and options`, read from the program itself (never out of date). */
function tree(command: Command, prefix = ''): Map<string, string[]> {
  const map = new Map<string, string[]>();
  const words = [...command.commands.map((c) => c.name()), ...command.options.map((o) => o.long ?? o.short ?? '').filter(Boolean)];
  map.set(prefix, words);
  for (const sub of command.commands) for (const [k, v] of tree(sub, prefix ? `${prefix} ${sub.name()}` : sub.name())) map.set(k, v);
  return map;
}

export function bashCompletion(program: Command): string {
  const cases = [...tree(program)].map(([path, words]) => `    "${path}") words="${words.join(' ')}" ;;`).join('\n');
  return `# agentry completion for bash: eval "$(agentry completion bash)"
_agentry() {
  local cur path words i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  path=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in -*) ;; *) path="\${path:+$path }\${COMP_WORDS[i]}" ;; esac
  done
  case "$path" in
${cases}
    *) words="" ;;
  esac
  COMPREPLY=( $(compgen -W "$words" -- "$cur") )
}
complete -o default -F _agentry agentry
`;
}

export function zshCompletion(program: Command): string {
  return `#compdef agentry
# agentry completion for zsh: eval "$(agentry completion zsh)"
autoload -U +X bashcompinit && bashcompinit
${bashCompletion(program)}`;
}

export function completionCommand(program: Command): void {
  program
    .command('completion <shell>')
    .description('print the shell completion script (bash or zsh): eval "$(agentry completion bash)"')
    .action((shell: string) => {
      if (shell === 'bash') process.stdout.write(bashCompletion(program));
      else if (shell === 'zsh') process.stdout.write(zshCompletion(program));
      else throw new CliError(EXIT.usage, `no completion for ${shell.slice(0, 20)}: use bash or zsh`);
    });
}
