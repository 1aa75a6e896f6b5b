import { jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startPlatform, type TestPlatform } from '@agentry/platform-harness';
import { waitUntil } from '@agentry/testing';
import type { NotificationFlag } from '@agentry/contracts';
import { mailThrough, testNotifierConfig } from './testing/notifier-config.js';
import { startNotifier, type RunningNotifier } from './notifier-app.js';
import { Receiver } from './testing/receiver.js';
import { startSmtpSink } from './testing/smtp-sink.js';
import { attemptDelivery, MAIL_NOT_CONFIGURED } from './webhooks/delivery-worker.js';
import { WebhookDeliveries } from './webhooks/webhook-deliveries.js';

jest.setTimeout(120_000);

let platform: TestPlatform;
let notifier: RunningNotifier;
let slack: Receiver;
let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
let pool: pg.Pool;
let org: { orgId: string; key: string };
const masterKey = randomBytes(32);
const notifierConfig = (env: Record<string, string> = {}) =>
  testNotifierConfig(platform, {
    AGENTRY_SECRET_KEY: masterKey.toString('hex'),
    NOTIFIER_WEBHOOK_RETRY_BASE_MS: '50',
    NOTIFIER_WEBHOOK_MAX_RETRY_DELAY_MS: '200',
    NOTIFIER_POLL_MS: '20',
    NOTIFIER_PRIVATE_DESTINATIONS: 'allow',
    ...mailThrough(smtp.url),
    ...env,
  });

beforeAll(async () => {
  platform = await startPlatform({ execution: true });
  slack = new Receiver();
  await slack.listen();
  smtp = await startSmtpSink();
  pool = new pg.Pool({ connectionString: platform.databaseUrl, max: 2 });
  notifier = await startNotifier(notifierConfig());
  const created = await platform.request('POST', '/api/v2/orgs', {
    key: platform.adminKey,
    json: { name: 'mail-org', plan: { maxAgents: 50 }, adminEmail: 'owner@mail.example.test' },
  });
  expect(created.status).toBe(200);
  org = { orgId: String(created.body.id), key: String(created.body.apiKey) };
});
afterAll(async () => {
  await notifier?.close();
  await slack?.close();
  await smtp?.close();
  await pool?.end();
  await platform?.close();
});

/** Saves an agent with these notification flags (Slack to its own path on the loopback receiver) and launches it by API: a manual launch. */
async function launchWith(name: string, flags: NotificationFlag[], opts: { code?: string; noScript?: boolean; executionTimeLimit?: number } = {}) {
  let scriptId: unknown;
  if (!opts.noScript) {
    const script = await platform.request('POST', `/api/v1/script/${name}.js`, { key: org.key, form: { text: opts.code ?? 'process.exit(0)' } });
    expect(script.status).toBe(200);
    scriptId = script.body.data;
  }
  const notifications = { ...Object.fromEntries(flags.map((f) => [f, true])), slackWebHook: slack.url(`/slack/${name}`) };
  const saved = await platform.request('POST', '/api/v2/agents/save', {
    key: org.key,
    json: { name, ...(scriptId ? { scriptId } : {}), notifications, ...(opts.executionTimeLimit ? { executionTimeLimit: opts.executionTimeLimit } : {}) },
  });
  expect(saved.status).toBe(200);
  const launched = await platform.request('POST', '/api/v2/agents/launch', { key: org.key, json: { id: String(saved.body.id) } });
  expect(launched.status).toBe(200);
  return { name, agentId: String(saved.body.id), containerId: Number(launched.body.containerId) };
}

const channelsOf = async (containerId: number) =>
  ((await pool.query(`SELECT channel FROM webhook_deliveries WHERE container_id = $1 ORDER BY channel`, [containerId])).rows as { channel: string }[]).map(
    (r) => r.channel,
  );
const ended = async (containerId: number) =>
  typeof (await platform.request('GET', `/api/v2/containers/fetch?id=${containerId}`, { key: org.key })).body?.endedAt === 'number';
const mailsAbout = (name: string) => smtp.mails.filter((m) => m.raw.includes(`Agent "${name}"`));

test('mail and Slack fire for exactly the outcome and launch kind each flag names (a table with controls)', async () => {
  // Every run below is launched by API (manual); the automatic flags set beside are controls that must stay silent.
  const success = await launchWith('ok-run', [
    'mailManualExitSuccess',
    'slackManualExitSuccess',
    'mailAutomaticExitSuccess',
    'slackAutomaticExitSuccess',
    'mailManualExitError',
  ]);
  const error = await launchWith(
    'error-run',
    ['slackManualExitError', 'mailManualExitSuccess', 'slackManualExitSuccess', 'slackAutomaticExitError', 'mailAutomaticExitError'],
    { code: 'process.exit(4)' },
  );
  const launchError = await launchWith('no-script-run', ['mailManualLaunchError', 'slackManualExitError', 'mailAutomaticLaunchError'], { noScript: true });
  const timeLimit = await launchWith('slow-run', ['slackManualTimeError', 'mailManualTimeError', 'slackManualExitError', 'slackAutomaticTimeError'], {
    code: 'setTimeout(() => process.exit(0), 60000)',
    executionTimeLimit: 1,
  });
  const silent = await launchWith('silent-run', ['mailManualExitError', 'slackManualExitError', 'mailAutomaticExitSuccess', 'slackAutomaticExitSuccess']);

  await waitUntil(async () => (await Promise.all([success, error, launchError, timeLimit, silent].map((r) => ended(r.containerId)))).every(Boolean), {
    timeoutMs: 60_000,
  });
  // The notifier handles ends in log order; a later end it has handled is the barrier for all of the above.
  const barrier = await launchWith('barrier-run', ['slackManualExitSuccess']);
  await waitUntil(() => slack.at('/slack/barrier-run').length === 1, { timeoutMs: 30_000 });

  expect(await channelsOf(success.containerId)).toEqual(['mail', 'slack']);
  expect(await channelsOf(error.containerId)).toEqual(['slack']);
  expect(await channelsOf(launchError.containerId)).toEqual(['mail']);
  expect(await channelsOf(timeLimit.containerId)).toEqual(['mail', 'slack']);
  expect(await channelsOf(silent.containerId)).toEqual([]);
  expect(await channelsOf(barrier.containerId)).toEqual(['slack']);

  await waitUntil(() => mailsAbout('ok-run').length === 1 && mailsAbout('no-script-run').length === 1 && mailsAbout('slow-run').length === 1, {
    timeoutMs: 30_000,
  });
  await waitUntil(() => slack.at('/slack/ok-run').length === 1 && slack.at('/slack/error-run').length === 1 && slack.at('/slack/slow-run').length === 1, {
    timeoutMs: 30_000,
  });

  // What arrived: Slack a JSON text message naming the outcome; mail from the configured sender to the org admin.
  expect(JSON.parse(slack.at('/slack/ok-run')[0]!.body).text).toMatch(/^Agent "ok-run" finished successfully \(manual launch\)/);
  expect(JSON.parse(slack.at('/slack/error-run')[0]!.body).text).toMatch(/^Agent "error-run" ended with an error .*\n[\s\S]*exit code 4/);
  expect(JSON.parse(slack.at('/slack/slow-run')[0]!.body).text).toMatch(/^Agent "slow-run" was stopped by a time limit/);
  const okMail = mailsAbout('ok-run')[0]!;
  expect(okMail).toMatchObject({ from: 'agentry@example.test', to: ['owner@mail.example.test'] });
  expect(okMail.subject).toBe('[Agentry] Agent "ok-run" finished successfully (manual launch)');
  expect(mailsAbout('no-script-run')[0]!.raw).toMatch(/could not be launched/);
  expect(mailsAbout('slow-run')[0]!.raw).toMatch(/stopped by a time limit/);
  for (const quiet of ['error-run', 'silent-run', 'barrier-run']) expect(mailsAbout(quiet)).toEqual([]);
  for (const quiet of ['no-script-run', 'silent-run']) expect(slack.at(`/slack/${quiet}`)).toEqual([]);

  // The agent's delivery log shows them, by channel.
  // The answers are recorded a moment after they arrive.
  const agentLog = () => platform.request('GET', `/api/agentry/v1/webhooks/deliveries?agentId=${success.agentId}`, { key: org.key });
  await waitUntil(async () => (await agentLog()).body.deliveries.every((d: { state: string }) => d.state === 'delivered'));
  const log = await agentLog();
  expect(log.status).toBe(200);
  expect(log.body.deliveries.map((d: { channel: string; state: string }) => [d.channel, d.state]).sort()).toEqual([
    ['mail', 'delivered'],
    ['slack', 'delivered'],
  ]);
});

describe('mail and Slack deliveries attempted by hand (due in an hour: the running worker leaves them alone)', () => {
  async function enqueue(channel: 'mail' | 'slack', url: string, body: string) {
    const deliveries = new WebhookDeliveries(notifier.dataSource);
    const webhookId = `msg_${randomBytes(16).toString('hex')}`;
    await deliveries.enqueue(
      { webhookId, eventId: crypto.randomUUID(), orgId: Number(org.orgId), agentId: null, containerId: null, url, body, channel },
      Date.now() + 3_600_000,
    );
    const [due] = (await deliveries.claimDue(Date.now() + 3_600_000, 60_000, 1000)).filter((d) => d.webhookId === webhookId);
    return {
      deliveries,
      due: due!,
      row: async () =>
        (
          await pool.query(
            `SELECT d.state, a.error FROM webhook_deliveries d JOIN webhook_delivery_attempts a ON a.delivery_id = d.id WHERE d.webhook_id = $1`,
            [webhookId],
          )
        ).rows[0],
    };
  }

  test('no SMTP server configured: a mail notification is logged as unavailable, saying what the operator sets (not silently dropped)', async () => {
    const mail = await enqueue('mail', 'mailto:owner@mail.example.test', JSON.stringify({ to: ['owner@mail.example.test'], subject: 's', text: 't' }));
    const before = smtp.mails.length;
    await attemptDelivery({ deliveries: mail.deliveries, secretKey: masterKey, config: notifierConfig().webhooks, mailer: null }, mail.due);
    expect(await mail.row()).toEqual({ state: 'unavailable', error: MAIL_NOT_CONFIGURED });
    expect(smtp.mails.length).toBe(before);
  });

  test('a Slack URL on a private or link-local address is refused before any connection when they are not allowed (control: allowed, it is sent)', async () => {
    for (const url of ['http://10.20.30.40/services/T/B/x', 'http://169.254.169.254/latest/meta-data/']) {
      const refused = await enqueue('slack', url, '{"text":"x"}');
      await attemptDelivery(
        { deliveries: refused.deliveries, secretKey: masterKey, config: { ...notifierConfig().webhooks, privateDestinations: 'refuse' } },
        refused.due,
      );
      expect((await refused.row()).state).toBe('refused');
    }
    const connections = slack.connections;
    const loopback = await enqueue('slack', slack.url('/slack/by-hand'), '{"text":"x"}');
    await attemptDelivery(
      { deliveries: loopback.deliveries, secretKey: masterKey, config: { ...notifierConfig().webhooks, privateDestinations: 'refuse' } },
      loopback.due,
    );
    expect((await loopback.row()).state).toBe('refused');
    expect(slack.connections).toBe(connections);
    const allowed = await enqueue('slack', slack.url('/slack/by-hand'), '{"text":"x"}');
    await attemptDelivery({ deliveries: allowed.deliveries, secretKey: masterKey, config: notifierConfig().webhooks }, allowed.due);
    expect((await allowed.row()).state).toBe('delivered');
    expect(slack.at('/slack/by-hand')).toHaveLength(1);
  });
});
