/**
 * `npm start`'s launcher end to end, with the built services, embedded Postgres and NATS:
 * first start prints a working key and curl lines, Ctrl-C stops everything in order, a second
 * start keeps the data, a crashing service is restarted once and then stops the launcher.
 * Needs `npm run build` first (`npm test` does it).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@agentry/local-servers';
import { waitUntil } from '@agentry/testing';
import { REPO_ROOT } from '../lib/paths.mjs';
import { SERVICES } from '../lib/services.mjs';

const run = promisify(execFile);
const START = path.join(REPO_ROOT, 'deploy/local/start.mjs');
const STARTUP_TIMEOUT_MS = 120_000;
const FLOW_TIMEOUT_MS = 240_000;

/** The test runner's environment without any Agentry setting, so only what a test sets applies. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const name of Object.keys(env)) {
    if (/^(AGENTRY_|DATABASE_URL$|NATS_URL$|PORT$|HOST$|LOG_LEVEL$)/.test(name)) delete env[name];
  }
  return { ...env, ...extra };
}

class Launch {
  output = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(env: Record<string, string>) {
    // Its own process group, like a terminal's foreground job, so "Ctrl-C" can signal the group.
    this.child = spawn(process.execPath, [START], { cwd: REPO_ROOT, env: cleanEnv(env), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (chunk) => (this.output += chunk));
    this.child.stderr!.on('data', (chunk) => (this.output += chunk));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async waitFor(pattern: RegExp, timeoutMs = STARTUP_TIMEOUT_MS): Promise<RegExpMatchArray> {
    await waitUntil(() => pattern.test(this.output) || !this.running, { timeoutMs, intervalMs: 100, message: `output matching ${pattern}` });
    const match = this.output.match(pattern);
    if (!match) throw new Error(`launcher exited without printing ${pattern}:\n${this.output}`);
    return match;
  }

  /** What a terminal does on Ctrl-C: SIGINT to every process of the foreground job. */
  async ctrlC(): Promise<number | null> {
    process.kill(-this.child.pid!, 'SIGINT');
    return this.exited;
  }

  async kill(): Promise<void> {
    if (this.running) this.child.kill('SIGTERM');
    await this.exited;
  }
}

const canConnect = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

/** The indented curl lines of the ready banner, as a user would copy them. */
function curlLines(output: string): string {
  const banner = output.slice(output.indexOf('Try it with curl:'));
  const lines = banner.split('\n').slice(1);
  return lines
    .slice(0, lines.indexOf(''))
    .map((l) => l.trim())
    .join('\n');
}

const embeddedPorts = (output: string) => ({
  postgres: Number(output.match(/Postgres: embedded postgres:\/\/agentry:\*\*\*@127\.0\.0\.1:(\d+)/)![1]),
  nats: Number(output.match(/NATS: +embedded nats:\/\/127\.0\.0\.1:(\d+)/)![1]),
});

const launches: Launch[] = [];
const launch = (env: Record<string, string>) => {
  const started = new Launch(env);
  launches.push(started);
  return started;
};
afterAll(() => Promise.all(launches.map((l) => l.kill())), 60_000);

let dataDir: string;
beforeAll(async () => {
  for (const service of SERVICES) {
    await fs.access(path.join(REPO_ROOT, service.entry)).catch(() => {
      throw new Error(`${service.entry} is missing: run \`npm run build\` before this test (\`npm test\` does)`);
    });
  }
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'agentry-launcher-'));
  await fs.chmod(dataDir, 0o755); // embedded Postgres runs as user postgres when we are root
});
afterAll(() => fs.rm(dataDir, { recursive: true, force: true }));

test('a bad setting stops the launcher before it starts anything, saying what to set', async () => {
  const started = launch({ PORT: 'abc', LOG_LEVEL: 'loud', AGENTRY_DATA_DIR: path.join(dataDir, 'never') });
  expect(await started.exited).toBe(1);
  expect(started.output).toContain('Agentry cannot start. Fix these settings and run npm start again:');
  expect(started.output).toContain('PORT must be a port number 1-65535 (e.g. PORT=3000), got "abc"');
  expect(started.output).toContain('LOG_LEVEL must be one of error, warn, info, debug, got "loud"');
  await expect(fs.access(path.join(dataDir, 'never'))).rejects.toThrow();
});

describe('with embedded Postgres and NATS', () => {
  let port: number;
  let baseUrl: string;
  let adminKey: string;
  let agentId: string;
  const fetchAgent = () => fetch(`${baseUrl}/api/v2/agents/fetch?id=${agentId}`, { headers: { 'X-Phantombuster-Key-1': adminKey } });

  beforeAll(async () => {
    port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
  });

  test(
    'first start prints the URL, a working admin key and curl lines that work; Ctrl-C stops everything in order',
    async () => {
      const first = launch({ PORT: String(port), AGENTRY_DATA_DIR: dataDir });
      await first.waitFor(/Stop with Ctrl-C/);
      expect(first.output).toContain(`Agentry is running at ${baseUrl}`);
      adminKey = first.output.match(/^ {6}(agt_[A-Za-z0-9_-]+)$/m)![1];
      expect(first.output).toContain(`KEY='${adminKey}'`);
      for (const service of SERVICES) expect(first.output).toMatch(new RegExp(`^${service.name} +\\| `, 'm'));
      // The scripts' sandbox: the launcher says which isolation runs, and the executor's start line agrees.
      expect(first.output).toMatch(/Sandbox: +bubblewrap \(AGENTRY_ISOLATION=auto\)/);
      expect(first.output).toMatch(/^executor +\| .*isolation bubblewrap \(AGENTRY_ISOLATION=auto\): scripts run sandboxed/m);

      const { stdout } = await run('bash', ['-c', curlLines(first.output)]);
      expect(stdout).toMatch(/^\{"status":"success","data":\d+\}$/m);
      agentId = stdout.match(/^agent id: (\d+)$/m)![1];
      const agent = await (await fetchAgent()).json();
      expect(agent).toMatchObject({ id: agentId, name: 'hello', script: 'hello.js' });
      // The banner's console and API reference answer at the printed URL.
      const consolePage = await fetch(`${baseUrl}/`);
      expect(consolePage.status).toBe(200);
      expect(consolePage.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await consolePage.text()).toContain('<title>Agentry console</title>');
      expect((await fetch(`${baseUrl}/docs`)).status).toBe(200);

      const ports = embeddedPorts(first.output);
      expect(await first.ctrlC()).toBe(0);
      const order = ['stopped gateway', 'stopped registry', 'stopped NATS', 'stopped Postgres'].map((line) =>
        first.output.search(new RegExp(`agentry +\\| ${line}`)),
      );
      expect(order.every((at, i) => at > 0 && (i === 0 || at > order[i - 1]))).toBe(true);
      expect(await canConnect(port)).toBe(false);
      expect(await canConnect(ports.postgres)).toBe(false);
      expect(await canConnect(ports.nats)).toBe(false);
      expect((await fs.stat(path.join(dataDir, 'secret.key'))).mode & 0o777).toBe(0o600);
      for (const service of SERVICES) expect((await fs.stat(path.join(dataDir, 'nats-users', `${service.name}.password`))).mode & 0o777).toBe(0o600);
      // Every service did its work as its own NATS user without one refusal (the server logs each as "… Violation").
      expect(first.output).not.toMatch(/Violation/);
    },
    FLOW_TIMEOUT_MS,
  );

  test(
    'a second start keeps the data and does not show a key again; a service crashing twice stops the launcher',
    async () => {
      const second = launch({ PORT: String(port), AGENTRY_DATA_DIR: dataDir });
      await second.waitFor(/Stop with Ctrl-C/);
      expect(second.output).toContain('Admin API key: shown at first start');
      expect(second.output).not.toContain(adminKey);
      expect(await (await fetchAgent()).json()).toMatchObject({ id: agentId, name: 'hello' });

      const firstPid = Number((await second.waitFor(/started registry \(pid (\d+)\)/))[1]);
      process.kill(firstPid, 'SIGKILL');
      await second.waitFor(/registry crashed \(killed by SIGKILL\); restarting it \(restart 1 of 1\)/);
      const secondPid = Number((await second.waitFor(new RegExp(`started registry \\(pid (?!${firstPid}\\))(\\d+)\\)`)))[1]);
      await waitUntil(async () => (await fetchAgent()).status === 200, { timeoutMs: 60_000, message: 'the restarted registry answers' });

      process.kill(secondPid, 'SIGKILL');
      expect(await second.exited).toBe(1);
      expect(second.output).toContain('registry crashed again (killed by SIGKILL)');
      expect(second.output).toContain('stopping Agentry because registry keeps crashing');
      expect(second.output).toMatch(/agentry +\| stopped Postgres/);
      expect(await canConnect(port)).toBe(false);
    },
    FLOW_TIMEOUT_MS,
  );
});
