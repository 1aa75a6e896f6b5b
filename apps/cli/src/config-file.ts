import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CliError, EXIT } from './exit-codes.js';

export interface Credentials {
  url: string;
  apiKey: string;
}

/** `$XDG_CONFIG_HOME/agentry/config.json`, else `~/.config/agentry/config.json`. */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env['XDG_CONFIG_HOME'] || join(env['HOME'] || homedir(), '.config');
  return join(base, 'agentry', 'config.json');
}

/**
 * Writes the URL and key readable by the user alone: the folder 0700, the file created 0600 under
 * a temporary name and renamed over the old one, so the key is never in a file others can read,
 * not even for a moment (a pre-existing looser file is replaced, not rewritten in place).
 */
export function saveCredentials(credentials: Credentials, env: NodeJS.ProcessEnv = process.env): string {
  const path = configPath(env);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(credentials, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
  return path;
}

/** The URL and key to use: `AGENTRY_URL` / `AGENTRY_API_KEY` override the saved ones, one by one. */
export function loadCredentials(env: NodeJS.ProcessEnv = process.env): Credentials {
  let saved: Partial<Credentials> = {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(configPath(env), 'utf8'));
    if (parsed && typeof parsed === 'object') saved = parsed as Partial<Credentials>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new CliError(EXIT.config, `cannot read ${configPath(env)}: run agentry login again`);
  }
  const url = env['AGENTRY_URL'] || (typeof saved.url === 'string' ? saved.url : '');
  const apiKey = env['AGENTRY_API_KEY'] || (typeof saved.apiKey === 'string' ? saved.apiKey : '');
  if (!url || !apiKey)
    throw new CliError(EXIT.config, 'not logged in: run agentry login --url <gateway URL> --key <API key> (or set AGENTRY_URL and AGENTRY_API_KEY)');
  return { url, apiKey };
}
