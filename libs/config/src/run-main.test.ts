import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/** A service that fails at start, as a real process (the built package: `npm test` builds first). */
async function failingStart(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  const script = `import('@agentry/config').then(({ runMain, ConfigError }) =>
    runMain('registry', async () => { throw new ConfigError(['DATABASE_URL is required (e.g. postgres://…)', 'PORT must be a port number']); }))`;
  try {
    await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { env: { PATH: process.env.PATH, ...env } });
    return { code: 0, stderr: '' };
  } catch (error) {
    const e = error as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
}

test('a start-up failure into a pipe is one JSON line (level fatal, the problems listed), exit code 1', async () => {
  const { code, stderr } = await failingStart({ LOG_FORMAT: 'json' });
  expect(code).toBe(1);
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(JSON.parse(lines[0]!)).toMatchObject({
    level: 'fatal',
    service: 'registry',
    problems: ['DATABASE_URL is required (e.g. postgres://…)', 'PORT must be a port number'],
  });
});

test('LOG_FORMAT=pretty keeps the readable list', async () => {
  const { code, stderr } = await failingStart({ LOG_FORMAT: 'pretty' });
  expect(code).toBe(1);
  expect(stderr).toContain('registry: Invalid configuration:\n  - DATABASE_URL is required');
});
