import { jest } from '@jest/globals';
import type { NatsConnection } from '@nats-io/transport-node';
import { startPlatform, type TestPlatform } from '@agentry/platform-harness';
import { ErrorCode, Role, Subjects, type Actor, type SendScriptNotificationParams } from '@agentry/contracts';
import { connectNats, RpcClient } from '@agentry/messaging';
import { waitUntil } from '@agentry/testing';
import { mailThrough, testNotifierConfig } from './testing/notifier-config.js';
import { startNotifier, type RunningNotifier } from './notifier-app.js';
import { Receiver } from './testing/receiver.js';
import { startSmtpSink } from './testing/smtp-sink.js';

jest.setTimeout(120_000);

const PER_HOUR = 3;
let platform: TestPlatform;
let notifier: RunningNotifier;
let receiver: Receiver;
let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
let nc: NatsConnection;
let executor: RpcClient;
let org: { orgId: string; key: string };
let other: { orgId: string; key: string };
let run: { containerId: number };
let otherRun: { containerId: number };

beforeAll(async () => {
  platform = await startPlatform({ execution: true });
  receiver = new Receiver();
  await receiver.listen();
  smtp = await startSmtpSink();
  notifier = await startNotifier(
    testNotifierConfig(platform, {
      NOTIFIER_POLL_MS: '20',
      NOTIFIER_PRIVATE_DESTINATIONS: 'allow',
      ...mailThrough(smtp.url),
      NOTIFIER_SCRIPT_NOTIFICATIONS_PER_HOUR: String(PER_HOUR),
    }),
  );
  // The script API's caller is the executor: the test calls as its NATS user, held to its permissions.
  nc = await connectNats(platform.natsUrlFor('executor'), 'executor-as-test');
  executor = new RpcClient(nc);
  const created = await platform.request('POST', '/api/v2/orgs', {
    key: platform.adminKey,
    json: { name: 'script-mail-org', plan: { maxAgents: 10 }, adminEmail: 'admin@script.example.test' },
  });
  org = { orgId: String(created.body.id), key: String(created.body.apiKey) };
  other = await platform.newOrg();
  run = await runAgent(org, 'notifying', receiver.url('/slack/notifying'));
  otherRun = await runAgent(other, 'other-notifying', receiver.url('/slack/other'));
});
afterAll(async () => {
  await nc?.close();
  await notifier?.close();
  await receiver?.close();
  await smtp?.close();
  await platform?.close();
});

async function runAgent(o: { key: string }, name: string, slackWebHook: string) {
  const script = await platform.request('POST', `/api/v1/script/${name}.js`, { key: o.key, form: { text: 'process.exit(0)' } });
  const saved = await platform.request('POST', '/api/v2/agents/save', {
    key: o.key,
    json: { name, scriptId: script.body.data, notifications: { slackWebHook } },
  });
  const launched = await platform.request('POST', '/api/v2/agents/launch', { key: o.key, json: { id: String(saved.body.id) } });
  const containerId = Number(launched.body.containerId);
  // The notifier knows the container once its projection has it (the run's queue event).
  await waitUntil(async () => (await notifier.dataSource.query(`SELECT 1 FROM notifier_containers WHERE container_id = $1`, [containerId])).length === 1, {
    timeoutMs: 30_000,
  });
  return { containerId };
}

const actorOf = (o: { orgId: string }): Actor => ({ orgId: Number(o.orgId), userId: 0, keyId: 0, roles: [Role.ORG_ADMIN], platformAdmin: false });
const send = (o: { orgId: string }, params: SendScriptNotificationParams) =>
  executor.request(Subjects.internal.sendScriptNotification, { actor: actorOf(o), params });

test("a script's mail() reaches the org's admin through SMTP and notify() the agent's Slack; another org's container is not found", async () => {
  const mailed = await send(org, { containerId: run.containerId, kind: 'mail', subject: 'Scrape done\r\nBcc: x@evil.test', text: '42 rows' });
  expect(mailed.deliveryIds).toHaveLength(1);
  const notified = await send(org, { containerId: run.containerId, kind: 'notify', text: 'half way' });
  expect(notified.deliveryIds).toHaveLength(1);
  await waitUntil(() => smtp.mails.some((m) => m.subject.startsWith('[Agentry] Scrape done')) && receiver.at('/slack/notifying').length === 1, {
    timeoutMs: 30_000,
  });
  const mail = smtp.mails.find((m) => m.subject.startsWith('[Agentry] Scrape done'))!;
  expect(mail.to).toEqual(['admin@script.example.test']);
  expect(mail.subject).toBe('[Agentry] Scrape done  Bcc: x@evil.test');
  expect(mail.raw).not.toMatch(/^Bcc:/im);
  expect(JSON.parse(receiver.at('/slack/notifying')[0]!.body)).toEqual({ text: 'half way' });

  // Tenant isolation: org A's actor naming org B's container.
  await expect(send(org, { containerId: otherRun.containerId, kind: 'notify', text: 'x' })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
});

test('hostile input: bad fields are refused naming them, and mail() to an address outside the org is refused (no open relay)', async () => {
  await expect(send(org, { containerId: run.containerId, kind: 'mail', subject: 's', text: 't', to: 'victim@elsewhere.test' })).rejects.toMatchObject({
    code: ErrorCode.VALIDATION_FAILED,
    fields: [expect.objectContaining({ field: 'to' })],
  });
  await expect(send(org, { containerId: run.containerId, kind: 'mail', text: 't' })).rejects.toMatchObject({
    fields: [expect.objectContaining({ field: 'subject' })],
  });
  await expect(send(org, { containerId: run.containerId, kind: 'notify', text: 'x'.repeat(10_001) })).rejects.toMatchObject({
    fields: [expect.objectContaining({ field: 'text' })],
  });
  await expect(send(org, { containerId: run.containerId, kind: 'sms' as 'mail', text: 'x' })).rejects.toMatchObject({
    fields: [expect.objectContaining({ field: 'kind' })],
  });
});

test(`the per-org limit: the ${PER_HOUR + 1}th call within the hour is RATE_LIMITED with a retry-after, and another org still sends (control)`, async () => {
  // The first test made 2 counted calls (the refused ones count nothing).
  await send(org, { containerId: run.containerId, kind: 'notify', text: 'third' });
  const limited = send(org, { containerId: run.containerId, kind: 'notify', text: 'fourth' });
  await expect(limited).rejects.toMatchObject({ code: ErrorCode.RATE_LIMITED, retryAfterSeconds: expect.any(Number) });
  await expect(send(other, { containerId: otherRun.containerId, kind: 'notify', text: 'other org' })).resolves.toMatchObject({
    deliveryIds: [expect.any(String)],
  });
  // Once the hour has passed (the calls' times moved back, as the hour passing would), the org sends again.
  await notifier.dataSource.query(`UPDATE script_notification_calls SET at = at - 3600001 WHERE org_id = $1`, [Number(org.orgId)]);
  await expect(send(org, { containerId: run.containerId, kind: 'notify', text: 'next hour' })).resolves.toMatchObject({ deliveryIds: [expect.any(String)] });
  await waitUntil(() => receiver.at('/slack/notifying').some((r) => r.body.includes('next hour')), { timeoutMs: 30_000 });
  expect(receiver.at('/slack/notifying').some((r) => r.body.includes('fourth'))).toBe(false);
});
