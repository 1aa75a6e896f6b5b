import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chownSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecutorConfig } from '../config.js';
import { AgentStorage } from '../storage/agent-storage.js';
import { detectCgroups } from './cgroups.js';
import {
  bubblewrapUsable,
  outputContains,
  processesWith,
  runnerModes,
  runScript,
  scratch,
  startScript,
  useRunner,
  type TestIsolation,
} from './run-script.test-kit.js';
import { DEFAULT_RUN_USER } from './run-user.js';

/**
 * The hostile-script suite: each test is a script written by an attacker, run for real by the
 * process runner, in the sandbox and — where the guarantee holds there too — without one. Each
 * states the outcome it must have; where the protection could silently be absent, a control shows
 * the same attack succeeding without it. docs/SECURITY.md §1–2 list these tests.
 */

const asRoot = process.getuid?.() === 0;
const cgroups = await detectCgroups();
const isolations = (bubblewrapUsable ? ['bubblewrap', 'none'] : ['none']) as TestIsolation[];
/** Every attack against a run spawned for it (cold) and against one on a warm runner spawned before it was known (warm-pool.ts). */
const cases = isolations.flatMap((isolation) => runnerModes.map((runner) => [isolation, runner] as const));
const FOREVER = 'setInterval(() => {}, 1000);';

/** Secrets the "executor" (this test process) holds, as the real one does in its environment. */
const SECRETS = {
  DATABASE_URL: `postgres://agentry:db-${randomUUID()}@127.0.0.1:5432/agentry`,
  NATS_URL: `nats://executor:nats-${randomUUID()}@127.0.0.1:4222`,
  AGENTRY_SECRET_KEY: `key-${randomUUID()}`,
};
const secretValues = Object.values(SECRETS);

/** Runs a script that prints one JSON line; answers it parsed. */
async function probe(isolation: TestIsolation, script: string, options: Parameters<typeof runScript>[2] = {}): Promise<Record<string, unknown>> {
  const result = await runScript(isolation, script, options);
  const text = result.output.toString();
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`the probe printed no JSON (${result.outcome.reason}, ${result.outcome.error ?? ''}):\n${text}`);
  }
}

const TRY_READ = `
  const fs = require('fs');
  const tryRead = (path) => { try { return { read: fs.readFileSync(path, 'utf8') }; } catch (error) { return { error: error.code }; } };`;

beforeAll(() => Object.assign(process.env, SECRETS));
afterAll(() => {
  for (const name of Object.keys(SECRETS)) delete process.env[name];
});

describe.each(cases)("a hostile script (%s, %s runner) cannot read the platform's secrets or the host", (isolation, runner) => {
  useRunner(runner);
  const sandboxed = isolation === 'bubblewrap';
  const rootOnly = asRoot ? test : test.skip;

  test("/proc/<ppid>/environ, a secret holder's /proc/<pid>/environ and every /proc/*/environ and cmdline it can open hold none of the platform's secrets", async () => {
    // A process of the platform started with the secrets in its environment, as the executor is
    // (this test process got them after its start: its own /proc environ does not show them).
    const holder = spawn('sleep', ['60'], { env: { ...process.env, ...SECRETS }, stdio: 'ignore' });
    try {
      const result = await probe(
        isolation,
        `${TRY_READ}
        const all = {};
        // environ (owner only) and cmdline (readable by anyone: no platform process may carry a secret there).
        for (const pid of fs.readdirSync('/proc').filter((entry) => /^\\d+$/.test(entry))) all[pid] = [tryRead('/proc/' + pid + '/environ'), tryRead('/proc/' + pid + '/cmdline')];
        console.log(JSON.stringify({ ppid: process.ppid, parent: tryRead('/proc/' + process.ppid + '/environ'), holder: tryRead('/proc/${holder.pid}/environ'), all }));`,
      );
      const everything = JSON.stringify(result);
      for (const secret of secretValues) expect(everything.includes(secret)).toBe(false);
      // Control: the holder's environ does hold them — the run user is what keeps the script out.
      const environ = readFileSync(`/proc/${holder.pid}/environ`, 'utf8');
      for (const secret of secretValues) expect(environ.includes(secret)).toBe(true);
      expect(result.holder).toEqual({ error: sandboxed ? 'ENOENT' : asRoot ? 'EACCES' : expect.any(String) });
      // Without a sandbox the parent IS the executor (this process): only the run user keeps it out.
      if (!sandboxed) expect(result.ppid).toBe(process.pid);
      if (!sandboxed && asRoot) expect(result.parent).toEqual({ error: 'EACCES' });
    } finally {
      holder.kill('SIGKILL');
    }
  });

  rootOnly('the script runs as the unprivileged run user, with no capabilities', async () => {
    const result = await probe(
      isolation,
      `${TRY_READ} console.log(JSON.stringify({ uid: process.getuid(), gid: process.getgid(), groups: process.getgroups(), caps: /CapEff:\\s*(\\w+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1] }))`,
    );
    // Inside the sandbox's user namespace the run user keeps its own id (bwrap maps it to itself).
    expect(result).toMatchObject({ uid: DEFAULT_RUN_USER.uid, gid: DEFAULT_RUN_USER.gid, caps: '0000000000000000' });
    expect(result.groups).not.toContain(0);
  });

  rootOnly("/etc/shadow and the host's pid 1 environment are out of reach", async () => {
    const result = await probe(
      isolation,
      `${TRY_READ} console.log(JSON.stringify({ shadow: tryRead('/etc/shadow'), init: tryRead('/proc/1/environ'), initCmd: tryRead('/proc/1/cmdline') }))`,
    );
    expect(result.shadow).toEqual({ error: sandboxed ? 'ENOENT' : 'EACCES' });
    if (sandboxed) {
      // pid 1 is the sandbox's own init (bwrap), not the host's.
      expect((result.initCmd as { read: string }).read.split('\0')[0]).toMatch(/(^|\/)bwrap$/);
    } else {
      expect(result.init).toEqual({ error: 'EACCES' });
    }
  });

  (sandboxed ? test : test.skip)("the repo and another org's stored files are not in its world at all", async () => {
    const folders = scratch();
    try {
      const otherOrg = join(folders.storageDir, '..', 'other-org-storage');
      mkdirSync(otherOrg);
      writeFileSync(join(otherOrg, 'leads.csv'), 'other org data');
      const result = await probe(
        isolation,
        `${TRY_READ} console.log(JSON.stringify({ repo: tryRead(${JSON.stringify(join(process.cwd(), 'package.json'))}), other: tryRead(${JSON.stringify(join(otherOrg, 'leads.csv'))}), viaStorage: tryRead('/storage/../other-org-storage/leads.csv') }))`,
        folders,
      );
      expect(result).toEqual({ repo: { error: 'ENOENT' }, other: { error: 'ENOENT' }, viaStorage: { error: 'ENOENT' } });
    } finally {
      folders.cleanup();
    }
  });

  (sandboxed ? test : test.skip)('no nested user namespaces (their root could mount or reach kernel code): unshare -U fails inside', async () => {
    const result = await probe(
      isolation,
      `const r = require('child_process').spawnSync('unshare', ['-U', 'true'], { encoding: 'utf8' }); console.log(JSON.stringify({ status: r.status, stderr: r.stderr }))`,
    );
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/No space left on device|Operation not permitted/);
  });

  (sandboxed && asRoot ? test : test.skip)('control: the run user may create user namespaces on this host, outside the sandbox', () => {
    const r = spawnSync('setpriv', [
      '--reuid',
      String(DEFAULT_RUN_USER.uid),
      '--regid',
      String(DEFAULT_RUN_USER.gid),
      '--clear-groups',
      'unshare',
      '-U',
      'true',
    ]);
    expect(r.status).toBe(0);
  });
});

describe.each(cases)('stored files (%s, %s runner): links a script plants are never followed out of its folder', (isolation, runner) => {
  useRunner(runner);
  const sandboxed = isolation === 'bubblewrap';
  let folders: ReturnType<typeof scratch>;
  let storage: AgentStorage;
  let hostSecret: string;
  let otherOrgFile: string;
  const read = (path: string) =>
    storage.read({ orgId: 3, storageFolder: 'agent-a', path, offset: 0, maxBytes: 1 << 20 }).then(
      (file) => Buffer.from(file.data, 'base64').toString(),
      (error: { code?: string }) => error.code ?? String(error),
    );

  beforeEach(() => {
    folders = scratch();
    hostSecret = join(folders.root, 'host-secret.txt');
    writeFileSync(hostSecret, 'host secret', { mode: 0o600 });
    // What another org's run saved: owned by the run user, like every stored file.
    const other = join(folders.storageDir, '4', 'agent-b');
    mkdirSync(other, { recursive: true });
    otherOrgFile = join(other, 'leads.csv');
    writeFileSync(otherOrgFile, 'other org data');
    if (asRoot) chownSync(otherOrgFile, DEFAULT_RUN_USER.uid, DEFAULT_RUN_USER.gid);
    storage = new AgentStorage({ storageDir: folders.storageDir } as ExecutorConfig);
  });
  afterEach(() => folders.cleanup());

  const runIn = (script: string, extra: Parameters<typeof startScript>[2] = {}) =>
    startScript(isolation, script, { workRoot: folders.workRoot, storageDir: join(folders.storageDir, '3', 'agent-a'), ...extra });
  /** The storage folder as the script sees it. */
  const here = () => (sandboxed ? '/storage' : join(folders.storageDir, '3', 'agent-a'));

  test('links to /etc/shadow, the host and another org are refused (404); a plain file is served', async () => {
    const script = `const fs = require('fs'); const dir = ${JSON.stringify(here())};
      fs.writeFileSync(dir + '/plain.txt', 'mine');
      fs.symlinkSync('/etc/shadow', dir + '/shadow');
      fs.symlinkSync(${JSON.stringify(hostSecret)}, dir + '/secret');
      fs.symlinkSync('../../4/agent-b/leads.csv', dir + '/other');
      fs.symlinkSync(${JSON.stringify(join(folders.storageDir, '4'))}, dir + '/other-dir');
      require('phantombuster').create()._saved('secret').then(() => console.log('planted'));`;
    const run = await runIn(script);
    const result = await run.result;
    expect(result.output.toString()).toBe('planted\n');
    expect(await read('plain.txt')).toBe('mine');
    for (const path of ['shadow', 'secret', 'other', 'other-dir/agent-b/leads.csv']) expect(await read(path)).toBe('NOT_FOUND');
    // Control: the links are real — followed naively (as root), they lead to the secrets.
    expect(readFileSync(join(folders.storageDir, '3', 'agent-a', 'secret'), 'utf8')).toBe('host secret');
    expect(readFileSync(join(folders.storageDir, '3', 'agent-a', 'other'), 'utf8')).toBe('other org data');
  });

  test('a script racing a file against a link to a secret never gets the secret served', async () => {
    const script = `const fs = require('fs'); const dir = ${JSON.stringify(here())};
      const pause = () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
      console.log('racing');
      for (;;) {
        fs.writeFileSync(dir + '/race.tmp', 'harmless'); fs.renameSync(dir + '/race.tmp', dir + '/race'); pause();
        try { fs.unlinkSync(dir + '/race.lnk'); } catch {}
        fs.symlinkSync(${JSON.stringify(hostSecret)}, dir + '/race.lnk'); fs.renameSync(dir + '/race.lnk', dir + '/race'); pause();
      }`;
    const run = await runIn(script);
    await outputContains(run, 'racing');
    const answers = new Map<string, number>();
    // At least 2000 reads (without the descriptor check, that many hit the window between check and open), and on until the plain file was served too.
    for (let i = 0; i < 2000 || (!answers.has('harmless') && i < 10_000); i++) {
      const answer = await read('race');
      answers.set(answer, (answers.get(answer) ?? 0) + 1);
    }
    run.running.abort();
    await run.result;
    expect(answers.get('host secret')).toBeUndefined();
    expect([...answers.keys()].every((answer) => answer === 'harmless' || answer === 'NOT_FOUND')).toBe(true);
    // The race was on: the plain file was served some of the time.
    expect(answers.get('harmless') ?? 0).toBeGreaterThan(0);
  });

  (asRoot ? test : test.skip)("a link planted where the next run's storage folder goes is not chowned through: the run does not start", async () => {
    const decoy = join(folders.root, 'decoy');
    mkdirSync(join(folders.storageDir, '3'));
    mkdirSync(decoy, { mode: 0o755 });
    symlinkSync(decoy, join(folders.storageDir, '3', 'agent-a-next'));
    const run = await runIn('console.log("ran")', { storageDir: join(folders.storageDir, '3', 'agent-a-next') });
    const result = await run.result;
    expect(result.outcome.reason).toBe('spawn-failed');
    expect(statSync(decoy).uid).toBe(0);
  });
});

describe.each(cases)('resource attacks (%s, %s runner)', (isolation, runner) => {
  useRunner(runner);
  const withCgroups = cgroups ? test : test.skip;

  withCgroups("a fork bomb stops at the run's process cap; the same script with a higher cap gets further (control)", async () => {
    const bomb = `const { spawn } = require('child_process'); let n = 0;
      const next = () => { const child = spawn('sleep', ['60'], { stdio: 'ignore', detached: true });
        child.on('spawn', () => { n++; next(); }); child.on('error', (error) => { console.log(JSON.stringify({ n, code: error.code })); process.exit(0); }); };
      next();`;
    const capped = await probe(isolation, bomb, { limits: { maxProcesses: 48 } });
    expect(capped.code).toBe('EAGAIN');
    expect(capped.n).toBeLessThan(48);
    const roomier = await probe(isolation, bomb, { limits: { maxProcesses: 96 } });
    expect(roomier.n).toBeGreaterThan(capped.n as number);
    expect(roomier.n).toBeLessThan(96);
  });

  withCgroups('a memory bomb split over several processes is held by the run\'s total: "memory-limit"; with room it completes (control)', async () => {
    // Four children of 60 MiB each: every one is under the per-process limits, together they are not.
    const script = `const { fork } = require('child_process');
      if (process.argv[2] === 'child') { globalThis.keep = Buffer.alloc(60 << 20, 1); process.send('ready'); setInterval(() => {}, 1000); }
      else { let ready = 0; const kids = [];
        for (let i = 0; i < 4; i++) { const kid = fork(__filename, ['child']); kids.push(kid);
          kid.on('message', () => { if (++ready === 4) { console.log('all allocated'); kids.forEach((k) => k.kill()); process.exit(0); } });
          kid.on('exit', (code, signal) => { if (ready < 4) { console.log('child died', signal); process.exit(1); } }); } }`;
    const held = await runScript(isolation, script, { limits: { memoryMb: 160 } });
    expect(held.outcome.reason).toBe('memory-limit');
    expect(held.output.toString()).not.toContain('all allocated');
    const roomy = await runScript(isolation, script, { limits: { memoryMb: 600 } });
    expect(roomy.outcome).toMatchObject({ reason: 'exited', exitCode: 0 });
    expect(roomy.output.toString()).toContain('all allocated');
  });

  test('filling the disk stops the run: "disk-limit"; one file can not outgrow the cap (EFBIG); under the cap it completes (control)', async () => {
    const fill = `const fs = require('fs'); const chunk = Buffer.alloc(1 << 20, 7);
      try { fs.writeFileSync(process.env.TMPDIR + '/big', Buffer.alloc(12 << 20, 1)); } catch (error) { console.log('big file', error.code); }
      let i = 0; const write = () => { fs.writeFileSync(process.env.TMPDIR + '/f' + (i++), chunk); if (i === Number(process.argv[2] || 1e9)) { console.log('wrote', i); return; } setTimeout(write, 20); }; write();`;
    const filled = await runScript(isolation, fill, { limits: { diskMb: 10 } });
    expect(filled.outcome.reason).toBe('disk-limit');
    expect(filled.output.toString()).toContain('big file EFBIG');
    const under = await runScript(isolation, fill.replace('process.argv[2] || 1e9', '4'), { limits: { diskMb: 64 } });
    expect(under.outcome).toMatchObject({ reason: 'exited', exitCode: 0 });
    expect(under.output.toString()).toBe('wrote 4\n');
  });

  withCgroups('detached children (setsid + double fork) do not outlive the run, though they left its process group (control)', async () => {
    const marker = `agentry-hostile-${randomUUID()}`;
    // The marker is assembled in the child, so only the grandchild's command line holds it.
    const [head, tail] = [marker.slice(0, 10), marker.slice(10)];
    const grandchild = `require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', '${head}' + '${tail}'], { stdio: 'ignore', detached: true }).unref()`;
    const script = `const { spawn } = require('child_process');
      spawn(process.execPath, ['-e', ${JSON.stringify(grandchild)}], { stdio: 'ignore', detached: true }).unref();
      const fs = require('fs');
      const marker = '${head}' + '${tail}';
      const find = () => fs.readdirSync('/proc').filter((p) => /^\\d+$/.test(p)).find((p) => { try { return fs.readFileSync('/proc/' + p + '/cmdline', 'utf8').includes(marker); } catch { return false; } });
      // /proc/<pid>/stat after the command name: state ppid pgrp session ...
      const groupAndSession = (pid) => fs.readFileSync('/proc/' + pid + '/stat', 'utf8').split(') ')[1].split(' ').slice(2, 4);
      const wait = () => { const pid = find(); if (!pid) return setTimeout(wait, 10);
        const [group, session] = groupAndSession(pid); const [myGroup, mySession] = groupAndSession('self');
        console.log(JSON.stringify({ escaped: group !== myGroup && session !== mySession }));
      }; wait(); ${FOREVER}`;
    const run = await startScript(isolation, script);
    await outputContains(run, 'escaped');
    // Control: the grandchild runs in a session and group of its own — a group kill would miss it.
    expect(JSON.parse(run.output().toString())).toEqual({ escaped: true });
    expect(processesWith(marker).length).toBe(1);
    // The end of the run (here an abort: SIGKILL to the script's group) takes it along.
    run.running.abort();
    await run.result;
    expect(processesWith(marker)).toEqual([]);
  });

  test('overrideTimeLimit(0), (-1), (NaN) reject and keep the limit; (1e9) is clamped to the ceiling; a raw channel request for 0 is refused too', async () => {
    const script = `const buster = require('phantombuster').create(); const fs = require('fs');
      (async () => {
        const answers = {};
        for (const value of [0, -1, NaN, 'x']) answers[String(value)] = await buster.overrideTimeLimit(value).then(() => 'ok', (error) => error.code);
        // Past the runtime, straight onto the private channel (fd 3).
        fs.writeSync(3, JSON.stringify({ t: 'req', id: 99, req: { kind: 'overrideTimeLimit', seconds: 0 } }) + '\\n');
        await buster.overrideTimeLimit(1e9);
        console.log(JSON.stringify({ answers, left: await buster.getTimeLeft() }));
      })(); ${FOREVER}`;
    const run = await startScript(isolation, script, { limits: { timeLimitSeconds: 1, maxTimeLimitSeconds: 2 } });
    const result = await run.result;
    expect(result.outcome.reason).toBe('time-limit');
    const printed = JSON.parse(result.output.toString());
    expect(printed.answers).toEqual({ 0: 'INVALID_TIME_LIMIT', '-1': 'INVALID_TIME_LIMIT', NaN: 'INVALID_TIME_LIMIT', x: 'INVALID_TIME_LIMIT' });
    expect(printed.left).toBeLessThanOrEqual(2);
    // Only the clamped one reached the executor: the raw 0 was refused at the channel.
    expect(result.requests).toEqual([{ kind: 'overrideTimeLimit', seconds: 2 }]);
    expect(result.outcome.durationMs).toBeLessThan(10_000);
  });

  test('an agent time limit above the ceiling (or none) is the ceiling', async () => {
    for (const timeLimitSeconds of [null, 3600]) {
      const run = await startScript(isolation, FOREVER, { limits: { timeLimitSeconds, maxTimeLimitSeconds: 1 } });
      expect(run.running.timeLeftSeconds()).toBeLessThanOrEqual(1);
      expect((await run.result).outcome.reason).toBe('time-limit');
    }
  });
});

(asRoot ? describe : describe.skip)('runs side by side (none: they share the run user)', () => {
  test("an unsandboxed run cannot list the work root to find other runs' folders; its own is reachable by name", async () => {
    const folders = scratch();
    // Created listable (0755, as mkdir makes it): the runner closes it.
    const workRoot = join(folders.root, 'listable-work');
    mkdirSync(workRoot, { mode: 0o755 });
    try {
      const result = await probe(
        'none',
        `${TRY_READ}
        const path = require('path'); const root = path.dirname(process.cwd());
        let list; try { list = fs.readdirSync(root); } catch (error) { list = error.code; }
        console.log(JSON.stringify({ list, own: fs.readdirSync(process.cwd()).length > 0 }))`,
        { workRoot, storageDir: folders.storageDir },
      );
      expect(result).toEqual({ list: 'EACCES', own: true });
    } finally {
      folders.cleanup();
    }
  });
});
