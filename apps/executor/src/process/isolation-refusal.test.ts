// The refusal to start without a sandbox, with a REAL bubblewrap that the kernel refuses: the
// executor's own main (apps/executor/src/main.ts, from source) runs in a user namespace of this test
// whose `user.max_user_namespaces` is 0 — the per-namespace limit a host or container runtime uses
// to forbid user namespaces — so the installed bwrap cannot make its sandbox there. No stub of the
// availability check: the executor probes bwrap itself, as at any start.
//
// Root only: the test maps the host's uids 0-65535 into that namespace itself (so the run user,
// 65534, exists there and the executor is its root, as when started as root).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, startTestNats, waitUntil, type TestDatabase, type TestNats } from '@agentry/testing';
import { findExecutable } from './executables.js';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const usable = process.getuid?.() === 0 && findExecutable('bwrap') !== null && findExecutable('unshare') !== null;

interface ExecutorProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/**
 * Starts the executor in a new user namespace (uids and gids 0-65535 mapped as they are), with at
 * most `maxUserNamespaces` user namespaces inside it (null: the kernel's default). 0 refuses every
 * one; 2 is room for a sandbox (bwrap's user namespace + the nested one of --disable-userns) but
 * not for one inside a network holder (measured here: that needs more).
 */
async function startExecutorInUserNamespace(env: Record<string, string>, maxUserNamespaces: number | null): Promise<ExecutorProcess> {
  const limit = maxUserNamespaces === null ? '' : `echo ${maxUserNamespaces} > /proc/sys/user/max_user_namespaces && `;
  // The first shell waits for its namespace's maps (written below); the second one is exec'd as the
  // namespace's root (capabilities are granted at exec), sets the limit, and execs the executor.
  const script = `read mapped && exec /bin/sh -c '${limit}exec "$@"' "$0" "$@"`;
  const main = [process.execPath, '--import', here('./ts-source-loader.test-kit.mjs'), here('../main.ts')];
  const child = spawn(findExecutable('unshare')!, ['--user', '--', '/bin/sh', '-c', script, 'agentry-test-executor', ...main], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LOG_LEVEL: 'info', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const own = readlinkSync('/proc/self/ns/user');
  await waitUntil(() => child.exitCode !== null || readlinkSync(`/proc/${child.pid}/ns/user`) !== own, {
    timeoutMs: 10_000,
    message: 'the executor has its user namespace',
  });
  writeFileSync(`/proc/${child.pid}/uid_map`, '0 0 65536\n');
  writeFileSync(`/proc/${child.pid}/gid_map`, '0 0 65536\n');
  child.stdin!.end('mapped\n');
  return { child, output: () => output, exited };
}

(usable ? describe : describe.skip)('an executor where bubblewrap is installed but the kernel refuses its namespaces', () => {
  let db: TestDatabase;
  let nats: TestNats;
  let folders: string;
  let env: Record<string, string>;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    [db, nats] = await Promise.all([createTestDatabase(), startTestNats({ auth: true })]);
    folders = mkdtempSync(join(tmpdir(), 'agentry-refusal-test-'));
    chmodSync(folders, 0o711);
    for (const dir of ['work', 'storage']) mkdirSync(join(folders, dir), { mode: 0o711 });
    env = {
      DATABASE_URL: db.url,
      NATS_URL: nats.urlFor('executor'),
      AGENTRY_SECRET_KEY: randomBytes(32).toString('hex'),
      AGENTRY_WORK_DIR: join(folders, 'work'),
      AGENTRY_STORAGE_DIR: join(folders, 'storage'),
    };
  });

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await nats?.stop();
    await db?.drop();
    if (folders) rmSync(folders, { recursive: true, force: true });
  });

  test('AGENTRY_ISOLATION=auto: the executor refuses to start, saying bwrap cannot make its namespaces and what to check or set', async () => {
    const executor = await startExecutorInUserNamespace({ ...env, AGENTRY_ISOLATION: 'auto' }, 0);
    children.push(executor.child);
    const code = await executor.exited;
    expect({ code, output: executor.output() }).toMatchObject({ code: 1 });
    expect(executor.output()).toContain(
      'AGENTRY_ISOLATION=auto runs every script in a bubblewrap sandbox, and none is usable here: bubblewrap (bwrap) is installed but cannot create its namespaces here',
    );
    expect(executor.output()).toContain('user.max_user_namespaces');
    expect(executor.output()).toContain('Or set AGENTRY_ISOLATION=none');
    expect(executor.output()).not.toMatch(/ ready \(/);
  });

  test('the same namespace with AGENTRY_ISOLATION=none: the executor starts, warning that scripts run without a sandbox', async () => {
    const executor = await startExecutorInUserNamespace({ ...env, AGENTRY_ISOLATION: 'none' }, 0);
    children.push(executor.child);
    await waitUntil(() => / ready \(/.test(executor.output()) || executor.child.exitCode !== null, { timeoutMs: 45_000, message: 'the executor ready' });
    expect(executor.output()).toMatch(/ ready \(/);
    const warning = executor
      .output()
      .split('\n')
      .find((line) => line.includes('AGENTRY_ISOLATION=none: isolation none: scripts run WITHOUT a sandbox'));
    expect(warning).toMatch(/"level":"warn"/);
    executor.child.kill('SIGTERM');
    expect(await executor.exited).toBe(0);
  });

  test('control: without the limit, the same start with AGENTRY_ISOLATION=auto gets its sandbox (the refusal above is the kernel refusing bwrap)', async () => {
    const executor = await startExecutorInUserNamespace({ ...env, AGENTRY_ISOLATION: 'auto' }, null);
    children.push(executor.child);
    await waitUntil(() => / ready \(/.test(executor.output()) || executor.child.exitCode !== null, { timeoutMs: 45_000, message: 'the executor ready' });
    expect(executor.output()).toContain('isolation bubblewrap (AGENTRY_ISOLATION=auto): scripts run sandboxed');
    // And with network: the holder runs here too (the test below takes it away).
    expect(executor.output()).toContain('network internet through slirp4netns');
    executor.child.kill('SIGTERM');
    expect(await executor.exited).toBe(0);
  });

  test('room for a sandbox but not for its network holder: the executor starts sandboxed with no script network (never an unpoliced one), saying why', async () => {
    const executor = await startExecutorInUserNamespace({ ...env, AGENTRY_ISOLATION: 'auto' }, 2);
    children.push(executor.child);
    await waitUntil(() => / ready \(/.test(executor.output()) || executor.child.exitCode !== null, { timeoutMs: 45_000, message: 'the executor ready' });
    expect(executor.output()).toContain(
      'scripts run sandboxed, as uid 65534:65534, network none (a sandbox inside its network holder (`unshare --user --map-root-user --net`, then bwrap) does not run here as uid 65534',
    );
    executor.child.kill('SIGTERM');
    expect(await executor.exited).toBe(0);
  });
});
