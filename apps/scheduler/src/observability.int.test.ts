import { Logger } from '@nestjs/common';
import { freePort } from '@agentry/local-servers';
import { createTestDatabase, startTestNats, type TestDatabase, type TestNats } from '@agentry/testing';
import { loadSchedulerConfig } from './config.js';
import { startScheduler } from './scheduler-app.js';

/**
 * The scheduler is not a Nest app: its LOG_LEVEL and LOG_FORMAT take effect through the service
 * logger it installs (before, Nest's default logger printed every level as coloured text), and
 * its HEALTH_PORT serves /livez and /readyz with the firer loop among the checks.
 */

let db: TestDatabase;
let nats: TestNats;
beforeAll(async () => {
  db = await createTestDatabase();
  nats = await startTestNats({ auth: true });
});
afterAll(async () => {
  await nats?.stop();
  await db?.drop();
});

/** What the process writes to stdout while `fn` runs. */
async function stdoutOf(fn: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  }) as typeof process.stdout.write;
  try {
    await fn();
  } finally {
    process.stdout.write = write;
  }
  return lines;
}

const env = (extra: Record<string, string>) => ({ DATABASE_URL: db.url, NATS_URL: nats.url, LOG_FORMAT: 'json', ...extra });

test('LOG_LEVEL=info: the ready line is one JSON object; LOG_LEVEL=warn: no info line at all', async () => {
  const info = await stdoutOf(async () => (await startScheduler(loadSchedulerConfig(env({ LOG_LEVEL: 'info' })))).close());
  const records = info.map((line) => JSON.parse(line));
  expect(records).toContainEqual(expect.objectContaining({ level: 'info', service: 'scheduler', context: 'Scheduler', message: 'scheduler ready' }));
  expect(info.join('\n')).not.toContain('\x1b[');

  const warn = await stdoutOf(async () => {
    const scheduler = await startScheduler(loadSchedulerConfig(env({ LOG_LEVEL: 'warn' })));
    new Logger('Scheduler').log('an info line after start');
    await scheduler.close();
  });
  expect(warn.map((line) => JSON.parse(line).level)).not.toContain('info');
});

test('HEALTH_PORT: /readyz checks NATS, Postgres, the projection and the firer loop; /livez the loops', async () => {
  const port = await freePort();
  const scheduler = await startScheduler(loadSchedulerConfig(env({ LOG_LEVEL: 'error', HEALTH_PORT: String(port) })));
  try {
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ok',
      checks: { nats: { ok: true }, postgres: { ok: true }, projections: { ok: true }, firer: { ok: true } },
    });
    const live = await fetch(`http://127.0.0.1:${port}/livez`);
    expect(await live.json()).toEqual({ status: 'ok', checks: { projections: { ok: true }, firer: { ok: true } } });
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(text).toMatch(/^agentry_loop_last_progress_seconds\{loop="firer"\} [\d.e+-]+$/m);
    expect(text).toMatch(/^agentry_projection_lag_events\{projection="scheduler[^"]*"\} \d+$/m);
  } finally {
    await scheduler.close();
  }
  // Closed with the service: nothing listens any more.
  await expect(fetch(`http://127.0.0.1:${port}/livez`)).rejects.toThrow();
});
