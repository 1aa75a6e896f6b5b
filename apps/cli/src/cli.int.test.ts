import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPlatform, type TestPlatform } from '@agentry/platform-harness';

/**
 * The `agentry` CLI end to end: the built CLI (apps/cli/dist, built by `npm test`'s build step)
 * spawned as a child process against the real platform, with its own HOME.
 */

const CLI = fileURLToPath(new URL('../dist/main.js', import.meta.url));

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

let platform: TestPlatform;
let home: string;
let key: string;

/** Runs the CLI with a private HOME; `env` adds to (or, with undefined, removes from) its environment. */
function agentry(args: string[], opts: { env?: Record<string, string | undefined>; input?: string } = {}): Promise<Ran> {
  const env: Record<string, string> = { PATH: process.env['PATH'] ?? '', HOME: home };
  for (const [k, v] of Object.entries(opts.env ?? {})) if (v !== undefined) env[k] = v;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

/** A failure the way the CLI must report it: one line on stderr, no stack, a non-zero code. */
function expectOneLineFailure(ran: Ran, code: number, message: RegExp) {
  expect(ran.code).toBe(code);
  expect(ran.stderr.trim().split('\n')).toHaveLength(1);
  expect(ran.stderr).toMatch(message);
  expect(ran.stderr).not.toMatch(/\n\s+at |Error:|node:internal/);
}

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build the CLI first (npx turbo run build --filter=@agentry/cli)`);
  platform = await startPlatform({ execution: true });
  key = (await platform.newOrg()).key;
  home = mkdtempSync(join(tmpdir(), 'agentry-cli-home-'));
  const login = await agentry(['login', '--url', platform.gateway.url, '--key', '-'], { input: `${key}\n` });
  expect(login).toMatchObject({ code: 0, stderr: '' });
});
afterAll(async () => {
  await platform?.close();
});

test('login checks the key, then saves URL and key in ~/.config/agentry/config.json readable by the user alone (0600, folder 0700)', async () => {
  const path = join(home, '.config/agentry/config.json');
  expect(statSync(path).mode & 0o777).toBe(0o600);
  expect(statSync(join(home, '.config/agentry')).mode & 0o777).toBe(0o700);
  expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ url: platform.gateway.url, apiKey: key });

  // A key the gateway refuses is not saved, and the message is one line.
  const other = mkdtempSync(join(tmpdir(), 'agentry-cli-home-'));
  const refused = await agentry(['login', '--url', platform.gateway.url, '--key', 'not-a-key'], { env: { HOME: other } });
  expectOneLineFailure(refused, 1, /^agentry: 401/);
  expect(existsSync(join(other, '.config/agentry/config.json'))).toBe(false);
});

test('AGENTRY_URL / AGENTRY_API_KEY override the saved login', async () => {
  const ran = await agentry(['agents', 'ls'], { env: { AGENTRY_API_KEY: 'wrong-key' } });
  expectOneLineFailure(ran, 1, /401/);
  const fresh = mkdtempSync(join(tmpdir(), 'agentry-cli-home-'));
  const viaEnv = await agentry(['agents', 'ls', '--json'], { env: { HOME: fresh, AGENTRY_URL: platform.gateway.url, AGENTRY_API_KEY: key } });
  expect(viaEnv.code).toBe(0);
  expect(Array.isArray(JSON.parse(viaEnv.stdout))).toBe(true);
  expectOneLineFailure(await agentry(['agents', 'ls'], { env: { HOME: fresh } }), 78, /not logged in/);
});

test('scripts push, agents save / show / versions / diff / rollback, with --json output that parses', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'agentry-cli-'));
  writeFileSync(join(dir, 'cli_hello.js'), "console.log('hello')\n");
  const pushed = await agentry(['scripts', 'push', join(dir, 'cli_hello.js'), '--json']);
  expect(pushed.code).toBe(0);
  const script = JSON.parse(pushed.stdout);
  expect(script).toMatchObject({ name: 'cli_hello.js', created: true });

  writeFileSync(join(dir, 'agent.json'), JSON.stringify({ name: 'cli_agent', scriptId: script.id, argument: { n: 1 } }));
  const saved = await agentry(['agents', 'save', '-f', join(dir, 'agent.json'), '--json']);
  expect(saved.code).toBe(0);
  const id = JSON.parse(saved.stdout).id as string;
  writeFileSync(join(dir, 'agent.json'), JSON.stringify({ id, argument: { n: 2 } }));
  expect((await agentry(['agents', 'save', '-f', join(dir, 'agent.json')])).stdout).toBe(`saved agent ${id}\n`);

  const shown = JSON.parse((await agentry(['agents', 'show', id, '--json'])).stdout);
  expect(shown).toMatchObject({ id, name: 'cli_agent' });
  expect(JSON.parse(shown.argument)).toEqual({ n: 2 });

  const versions = JSON.parse((await agentry(['agents', 'versions', id, '--json'])).stdout);
  expect(versions.versions).toHaveLength(2);
  const table = await agentry(['agents', 'versions', id]);
  expect(table.stdout.split('\n')[0]).toMatch(/^VERSION\s+ID\s+SAVED/);
  expect(table.stdout).not.toContain('\u001b'); // not a terminal: no colours

  const diff = await agentry(['agents', 'diff', id, '1', '2']);
  expect(diff.code).toBe(0);
  expect(diff.stdout).toMatch(/^argument: .*n.*1.* → .*n.*2/m);
  expect(JSON.parse((await agentry(['agents', 'diff', id, '1', '2', '--json'])).stdout)).toHaveProperty('argument');

  const rolled = await agentry(['agents', 'rollback', id, '1']);
  expect(rolled.code).toBe(0);
  expect(JSON.parse(JSON.parse((await agentry(['agents', 'show', id, '--json'])).stdout).argument)).toEqual({ n: 1 });

  const list = JSON.parse((await agentry(['agents', 'ls', '--json'])).stdout);
  expect(list.map((a: { id: string }) => a.id)).toContain(id);
  expect(JSON.parse((await agentry(['schedule', 'next', id, '--json'])).stdout)).toEqual({ id, nextLaunchDates: [] });

  expect((await agentry(['agents', 'rm', id])).stdout).toBe(`deleted agent ${id}\n`);
});

test("run --follow prints the console as it arrives, the result object, and exits with the run's exit code", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'agentry-cli-'));
  writeFileSync(
    join(dir, 'cli_exit3.js'),
    `const buster = require('phantombuster').create();
console.log('first line');
buster.progressHint(0.5, 'half');
console.log('got ' + JSON.stringify(buster.argument));
buster.setResultObject({ answer: 42 }).then(() => process.exit(3));
`,
  );
  const script = JSON.parse((await agentry(['scripts', 'push', join(dir, 'cli_exit3.js'), '--json'])).stdout);
  writeFileSync(join(dir, 'agent.json'), JSON.stringify({ name: 'cli_exit3', scriptId: script.id }));
  const id = JSON.parse((await agentry(['agents', 'save', '-f', join(dir, 'agent.json'), '--json'])).stdout).id as string;

  const ran = await agentry(['run', id, '--arg', '{"who":"cli"}', '--follow']);
  expect(ran.code).toBe(3);
  expect(ran.stdout).toContain('first line\n');
  expect(ran.stdout).toContain('got {"who":"cli"}\n');
  expect(ran.stdout).toMatch(/result object\n\{\n {2}"answer": 42\n\}\n$/);
  expect(ran.stderr).toMatch(/^container \d+ (queued|running)\n/);
  expect(ran.stderr).toMatch(/ended \(.*\) with exit code 3\n$/);
  expect(ran.stdout + ran.stderr).not.toContain('\u001b');

  const json = await agentry(['run', id, '--follow', '--json']);
  expect(json.code).toBe(3);
  expect(JSON.parse(json.stdout)).toMatchObject({ exitCode: 3, resultObject: { answer: 42 } });

  // logs and containers ls read the same runs.
  const runs = JSON.parse((await agentry(['containers', 'ls', id, '--json'])).stdout);
  expect(runs.containers).toHaveLength(2);
  const logs = await agentry(['logs', runs.containers[0].id]);
  expect(logs.stdout).toContain('first line\n');
  const followed = await agentry(['logs', runs.containers[0].id, '--follow']);
  expect(followed.code).toBe(0);
  expect(followed.stdout).toContain('first line\n');
});

test('scripts push --watch uploads the file again when it is saved', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'agentry-cli-'));
  const file = join(dir, 'cli_watch.js');
  writeFileSync(file, "console.log('v1')\n");
  const env: Record<string, string> = { PATH: process.env['PATH'] ?? '', HOME: home };
  const child = spawn(process.execPath, [CLI, 'scripts', 'push', file, '--watch'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let waiting: (() => void) | undefined;
  child.stdout.on('data', (d: Buffer) => ((stdout += d.toString()), waiting?.()));
  child.stderr.on('data', (d: Buffer) => ((stderr += d.toString()), waiting?.()));
  const until = (ready: () => boolean) =>
    new Promise<void>((resolve, reject) => {
      waiting = () => ready() && resolve();
      child.once('close', (code) => reject(new Error(`watch exited ${code}: ${stdout} ${stderr}`)));
      waiting();
    });
  const lines = (count: number) => until(() => stdout.split('\n').filter(Boolean).length >= count);
  try {
    await until(() => stderr.includes('watching'));
    expect(stdout).toMatch(/^created script cli_watch\.js \(\d+\)\n$/);
    writeFileSync(file, "console.log('v2')\n");
    await lines(2);
    expect(stdout.split('\n')[1]).toMatch(/^saved script cli_watch\.js/);
  } finally {
    child.kill('SIGTERM');
  }
  const code = await platform.request('GET', '/api/v2/scripts/code?script=cli_watch.js', { key });
  expect(code.body.code).toBe("console.log('v2')\n");
});

test('keys create / ls / revoke, the secret printed once and never listed', async () => {
  const create = await agentry(['keys', 'create', '--name', 'cli test', '--role', 'org:read', '--json']);
  expect(create).toMatchObject({ code: 0, stderr: '' });
  const created = JSON.parse(create.stdout);
  expect(typeof created.key).toBe('string');
  const listed = await agentry(['keys', 'ls', '--json']);
  expect(listed.stdout).not.toContain(created.key);
  expect(JSON.parse(listed.stdout).map((k: { id: string }) => k.id)).toContain(created.id);
  expect((await agentry(['keys', 'revoke', created.id])).stdout).toBe(`revoked key ${created.id}\n`);
});

test('an API error is one clear line and a non-zero exit; bad input is a usage error (64)', async () => {
  expectOneLineFailure(await agentry(['agents', 'show', '99999999']), 1, /^agentry: 404 NOT_FOUND: /);
  expectOneLineFailure(await agentry(['agents', 'show', 'abc']), 1, /^agentry: 400 VALIDATION_FAILED: .*id/);
  expectOneLineFailure(await agentry(['run', '1', '--arg', '{not json']), 64, /--arg is not JSON/);
  expectOneLineFailure(await agentry(['agents', 'save', '-f', '/nonexistent/agent.json']), 64, /cannot read/);
  expect((await agentry(['agents', 'frobnicate'])).code).toBe(64);
});

test('hostile server: HTML, garbage, a 500 page, a dropped connection → one clear line (69), no stack, nothing of the page', async () => {
  const answers: ((res: import('node:http').ServerResponse) => void)[] = [
    (res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html><body>Sign in to the captive portal<script>x()</script></body></html>'),
    (res) => res.writeHead(500, { 'content-type': 'text/html' }).end('<html><h1>500 Internal Server Error</h1></html>'),
    (res) => res.writeHead(502, { 'content-type': 'application/octet-stream' }).end('\u0000\u001b]0;pwned\u0007\u001b[2J garbage'),
    (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"unterminated'),
    (res) => res.destroy(),
  ];
  let next = 0;
  const server = createServer((_req, res) => answers[next]!(res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    for (next = 0; next < answers.length; next++) {
      const ran = await agentry(['agents', 'ls'], { env: { AGENTRY_URL: url, AGENTRY_API_KEY: 'k' } });
      expectOneLineFailure(ran, 69, /^agentry: (the server answered|cannot reach)/);
      // eslint-disable-next-line no-control-regex -- the terminal escape a hostile server sends must not reach it
      expect(ran.stderr).not.toMatch(/captive portal|<script|pwned|\u001b\]/);
    }
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test('shell completion: agentry completion bash completes commands and subcommands', async () => {
  const script = (await agentry(['completion', 'bash'])).stdout;
  const completed = await new Promise<string>((resolve) => {
    const bash = spawn('bash', ['--norc', '-c', `${script}\nCOMP_WORDS=(agentry agents ver); COMP_CWORD=2; _agentry; echo "\${COMPREPLY[@]}"`]);
    let out = '';
    bash.stdout.on('data', (d: Buffer) => (out += d.toString()));
    bash.on('close', () => resolve(out.trim()));
  });
  expect(completed).toBe('versions');
  expect((await agentry(['completion', 'zsh'])).stdout).toMatch(/^#compdef agentry/);
  expectOneLineFailure(await agentry(['completion', 'fish']), 64, /use bash or zsh/);
});
