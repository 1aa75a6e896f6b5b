import { mkdtempSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffSettings } from './commands/agents.js';
import { parseArgument } from './commands/run.js';
import { configPath, loadCredentials, saveCredentials } from './config-file.js';
import { colourEnabled } from './output.js';
import { ProgressBar } from './progress-bar.js';
import { terminalSafe } from './text.js';

test("a script's output cannot drive the terminal: escape sequences and control characters are dropped, text kept", () => {
  const hostile = 'ok\u001b]0;owned title\u0007 \u001b]52;c;ZXZpbA==\u001b\\\u001b[2J\u001b[31mred\u001b[0m\rover\u0008\tx\n';
  expect(terminalSafe(hostile)).toBe('ok redover\tx\n');
  expect(terminalSafe('plain line €\n')).toBe('plain line €\n');
});

test('the progress bar shows the ratio, clamped, with its label', () => {
  expect(ProgressBar.render(0.5, 'half', 10)).toBe('[#####-----]  50% half');
  expect(ProgressBar.render(7, null, 4)).toBe('[####] 100%');
  expect(ProgressBar.render(Number.NaN, null, 4)).toBe('[----]   0%');
});

test('colours only on a terminal and never with NO_COLOR', () => {
  const tty = { isTTY: true } as NodeJS.WriteStream;
  expect(colourEnabled(tty, {})).toBe(true);
  expect(colourEnabled(tty, { NO_COLOR: '1' })).toBe(false);
  expect(colourEnabled(tty, { NO_COLOR: '' })).toBe(false);
  expect(colourEnabled({ isTTY: false } as NodeJS.WriteStream, {})).toBe(false);
});

test('the saved login replaces a looser file with a 0600 one; env overrides it field by field', () => {
  const home = mkdtempSync(join(tmpdir(), 'agentry-cli-parts-'));
  const env = { HOME: home };
  saveCredentials({ url: 'http://127.0.0.1:1', apiKey: 'old' }, env);
  chmodSync(configPath(env), 0o644);
  writeFileSync(configPath(env), JSON.stringify({ url: 'http://127.0.0.1:1', apiKey: 'old' }));
  saveCredentials({ url: 'http://127.0.0.1:2', apiKey: 'new' }, env);
  expect(statSync(configPath(env)).mode & 0o777).toBe(0o600);
  expect(loadCredentials(env)).toEqual({ url: 'http://127.0.0.1:2', apiKey: 'new' });
  expect(loadCredentials({ ...env, AGENTRY_API_KEY: 'from-env' })).toEqual({ url: 'http://127.0.0.1:2', apiKey: 'from-env' });
  expect(configPath({ HOME: home, XDG_CONFIG_HOME: '/x' })).toBe('/x/agentry/config.json');
});

test('--arg must be a JSON object; the diff lists changed settings only', () => {
  expect(parseArgument('{"a":1}')).toEqual({ a: 1 });
  expect(() => parseArgument('[1]')).toThrow(/JSON object/);
  expect(() => parseArgument('nope')).toThrow(/not JSON/);
  expect(diffSettings({ a: 1, b: 'x', c: null }, { a: 2, b: 'x', d: true })).toEqual(['a: 1 → 2', 'd: null → true']);
});
