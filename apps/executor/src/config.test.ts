import { isAbsolute } from 'node:path';
import { ConfigError } from '@agentry/config';
import { loadExecutorConfig, runTimeLimitSeconds } from './config.js';

const base = {
  DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db',
  NATS_URL: 'nats://127.0.0.1:4222',
  AGENTRY_SECRET_KEY: 'ab'.repeat(32),
};

test('defaults: auto isolation, 4 slots, absolute folders, an hour of default time limit', () => {
  const c = loadExecutorConfig(base);
  expect(c.isolation).toBe('auto');
  expect(c.slots).toBe(4);
  expect(isAbsolute(c.workDir) && isAbsolute(c.storageDir)).toBe(true);
  expect(c.defaultTimeLimitSeconds).toBe(3600);
  expect(c.secretKey).toHaveLength(32);
  expect(c.runLimits.maxOutputBytes).toBe(100 * 1024 * 1024);
});

test('every bad setting is named at once', () => {
  let error: unknown;
  try {
    loadExecutorConfig({ NATS_URL: 'http://x', AGENTRY_ISOLATION: 'docker', EXECUTOR_SLOTS: '0', EXECUTOR_HEARTBEAT_TTL_MS: '1.5' });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  const text = (error as Error).message;
  for (const name of ['DATABASE_URL', 'NATS_URL', 'AGENTRY_SECRET_KEY', 'AGENTRY_ISOLATION', 'EXECUTOR_SLOTS', 'EXECUTOR_HEARTBEAT_TTL_MS']) {
    expect(text).toContain(name);
  }
});

test('folders given relative are resolved from the current directory', () => {
  const c = loadExecutorConfig({ ...base, AGENTRY_STORAGE_DIR: 'data/storage', AGENTRY_ISOLATION: 'none', EXECUTOR_SLOTS: '12' });
  expect(c.storageDir).toBe(`${process.cwd()}/data/storage`);
  expect(c.isolation).toBe('none');
  expect(c.slots).toBe(12);
});

test('the run user, CPU, disk and time ceiling have defaults: nobody, one core, 1 GiB, a day', () => {
  const c = loadExecutorConfig(base);
  expect(c.runUser).toEqual({ uid: 65534, gid: 65534 });
  expect(c.runLimits).toMatchObject({ cpuPercent: 100, diskMb: 1024, maxTimeLimitSeconds: 86_400 });
});

test('scripts never run as root: AGENTRY_RUN_UID / AGENTRY_RUN_GID 0 are refused at boot', () => {
  expect(() => loadExecutorConfig({ ...base, AGENTRY_RUN_UID: '0', AGENTRY_RUN_GID: '0' })).toThrow(/AGENTRY_RUN_UID[\s\S]*AGENTRY_RUN_GID/);
  expect(() => loadExecutorConfig({ ...base, AGENTRY_RUN_UID: '4294967294' })).toThrow(/AGENTRY_RUN_UID must be a whole number from 1 to 2147483646/);
  expect(loadExecutorConfig({ ...base, AGENTRY_RUN_UID: '1500', AGENTRY_RUN_GID: '1600' }).runUser).toEqual({ uid: 1500, gid: 1600 });
});

test('the default time limit may not exceed the ceiling', () => {
  expect(() => loadExecutorConfig({ ...base, EXECUTOR_DEFAULT_TIME_LIMIT_SECONDS: '7200', EXECUTOR_MAX_TIME_LIMIT_SECONDS: '3600' })).toThrow(
    /EXECUTOR_DEFAULT_TIME_LIMIT_SECONDS .* must not exceed EXECUTOR_MAX_TIME_LIMIT_SECONDS/,
  );
  expect(loadExecutorConfig({ ...base, EXECUTOR_MAX_TIME_LIMIT_SECONDS: '3600' }).runLimits.maxTimeLimitSeconds).toBe(3600);
});

test('AGENTRY_EGRESS_DENY: ranges scripts may not reach, checked at boot', () => {
  expect(loadExecutorConfig(base).egressDenied).toEqual([]);
  expect(loadExecutorConfig({ ...base, AGENTRY_EGRESS_DENY: '10.96.0.0/12, fd00:10::/64' }).egressDenied).toEqual([
    { family: 4, address: '10.96.0.0', prefix: 12 },
    { family: 6, address: 'fd00:10::', prefix: 64 },
  ]);
  expect(() => loadExecutorConfig({ ...base, AGENTRY_EGRESS_DENY: '10.96.0.1/12' })).toThrow(
    /AGENTRY_EGRESS_DENY: "10\.96\.0\.1\/12" has bits set below its \/12 prefix/,
  );
});

test("a run's time limit is the agent's or the default, capped by the ceiling", () => {
  const c = loadExecutorConfig({ ...base, EXECUTOR_DEFAULT_TIME_LIMIT_SECONDS: '600', EXECUTOR_MAX_TIME_LIMIT_SECONDS: '3600' });
  expect(runTimeLimitSeconds(null, c)).toBe(600);
  expect(runTimeLimitSeconds(120, c)).toBe(120);
  expect(runTimeLimitSeconds(100_000, c)).toBe(3600);
  expect(runTimeLimitSeconds(0, c)).toBe(600);
});

test('browser settings: host ports, runtime images and Chromium are checked at boot, each named with what to set', () => {
  const bad = { ...base, AGENTRY_EGRESS_HOST_PORTS: '8080, 70000, x', EXECUTOR_RUNTIME_MODULES_DIR: '/nonexistent/images', EXECUTOR_CHROMIUM: '/etc/passwd' };
  expect(() => loadExecutorConfig(bad)).toThrow(ConfigError);
  const text = (() => {
    try {
      loadExecutorConfig(bad);
    } catch (error) {
      return (error as Error).message;
    }
    return '';
  })();
  expect(text).toContain('AGENTRY_EGRESS_HOST_PORTS: "70000" is not a TCP port (1…65535)');
  expect(text).toContain('EXECUTOR_RUNTIME_MODULES_DIR: /nonexistent/images is not a folder');
  expect(text).toContain('EXECUTOR_CHROMIUM: /etc/passwd is not an executable');
  const good = loadExecutorConfig({ ...base, AGENTRY_EGRESS_HOST_PORTS: '8080 3128,8080' });
  expect(good.egressHostPorts).toEqual([8080, 3128]);
  expect(good.runtimeModulesDir).toBeUndefined();
  expect(loadExecutorConfig(base).egressHostPorts).toEqual([]);
});

test('EXECUTOR_WARM_RUNNERS: 0 (off) by default; at most EXECUTOR_SLOTS; a sandboxed pool needs a root executor', () => {
  expect(loadExecutorConfig(base).warmRunners).toBe(0);
  expect(() => loadExecutorConfig({ ...base, EXECUTOR_WARM_RUNNERS: '-1' })).toThrow(/EXECUTOR_WARM_RUNNERS/);
  expect(() => loadExecutorConfig({ ...base, EXECUTOR_SLOTS: '2', EXECUTOR_WARM_RUNNERS: '3' })).toThrow(
    /EXECUTOR_WARM_RUNNERS \(3\) must not exceed EXECUTOR_SLOTS \(2\)/,
  );
  expect(loadExecutorConfig({ ...base, AGENTRY_ISOLATION: 'none', EXECUTOR_WARM_RUNNERS: '2' }).warmRunners).toBe(2);
  const sandboxed = () => loadExecutorConfig({ ...base, EXECUTOR_WARM_RUNNERS: '2' });
  if (process.getuid?.() === 0) expect(sandboxed().warmRunners).toBe(2);
  else expect(sandboxed).toThrow(/EXECUTOR_WARM_RUNNERS needs the executor to run as root/);
});
