import { jest } from '@jest/globals';
import { startPlatform, type TestPlatform } from '@agentry/platform-harness';
import { waitUntil } from '@agentry/testing';
import { mailThrough, testNotifierConfig } from './testing/notifier-config.js';
import { startNotifier, type RunningNotifier } from './notifier-app.js';
import { Receiver } from './testing/receiver.js';
import { startSmtpSink } from './testing/smtp-sink.js';

// A script's buster.mail() / buster.notify() end to end: the runtime, the executor's script channel,
// notifier.script-notifications.send, the outbox, a real SMTP server and a loopback HTTP receiver.
jest.setTimeout(180_000);

const PER_HOUR = 5;
let platform: TestPlatform;
let notifier: RunningNotifier;
let receiver: Receiver;
let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
type Org = { orgId: string; key: string };
let org: Org;
let limited: Org;

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
  org = await newOrg('script-api-org', 'admin@script-api.example.test');
  limited = await newOrg('script-api-limited', 'admin@limited.example.test');
  const endpoint = await platform.request('POST', '/api/agentry/v1/webhooks/endpoints', {
    key: org.key,
    json: { url: receiver.url('/endpoint'), eventTypes: ['script.notification'] },
  });
  expect(endpoint.status).toBe(201);
});
afterAll(async () => {
  await notifier?.close();
  await receiver?.close();
  await smtp?.close();
  await platform?.close();
});

async function newOrg(name: string, adminEmail: string): Promise<Org> {
  const created = await platform.request('POST', '/api/v2/orgs', { key: platform.adminKey, json: { name, plan: { maxAgents: 10 }, adminEmail } });
  expect(created.status).toBe(200);
  return { orgId: String(created.body.id), key: String(created.body.apiKey) };
}

/**
 * Runs `body` (an async function body with `buster` in scope) as an agent's script to its end and
 * answers its result object: the script records what each call answered, as a user's script would.
 */
async function runScript(o: Org, name: string, body: string): Promise<{ containerId: number; result: Record<string, unknown> }> {
  const text = `const buster = require('phantombuster').create();
(async () => { ${body} })().catch(async (e) => { await buster.setResultObject({ crashed: e.message }); process.exit(1); });`;
  const script = await platform.request('POST', `/api/v1/script/${name}.js`, { key: o.key, form: { text } });
  expect(script.status).toBe(200);
  const saved = await platform.request('POST', '/api/v2/agents/save', {
    key: o.key,
    json: { name, scriptId: script.body.data, notifications: { slackWebHook: receiver.url(`/slack/${name}`) } },
  });
  expect(saved.status).toBe(200);
  const launched = await platform.request('POST', '/api/v2/agents/launch', { key: o.key, json: { id: String(saved.body.id) } });
  expect(launched.status).toBe(200);
  const containerId = Number(launched.body.containerId);
  await waitUntil(async () => typeof (await platform.request('GET', `/api/v2/containers/fetch?id=${containerId}`, { key: o.key })).body?.endedAt === 'number', {
    timeoutMs: 60_000,
  });
  const fetched = await platform.request('GET', `/api/v2/containers/fetch-result-object?id=${containerId}`, { key: o.key });
  return { containerId, result: JSON.parse(String(fetched.body.resultObject)) as Record<string, unknown> };
}

/** Script code: the outcome of `call` (a promise) as `{ok}` or `{code, message}`. */
const outcome = (call: string) => `await ${call}.then(() => ({ ok: true }), (e) => ({ code: e.code, message: e.message }))`;

test("a script's mail() arrives at the SMTP server and notify() at the org endpoint subscribed to script.notification and the agent's Slack (promise and callback styles)", async () => {
  const { containerId, result } = await runScript(
    org,
    'mailing-script',
    `const mailed = ${outcome("buster.mail('Rows ready', 'found 3 rows')")};
     const notified = await new Promise((resolve) => buster.notify('half way', (err) => resolve(err ? { code: err.code, message: err.message } : { ok: true })));
     await buster.setResultObject({ mailed, notified });`,
  );
  expect(result).toEqual({ mailed: { ok: true }, notified: { ok: true } });
  await waitUntil(
    () =>
      smtp.mails.some((m) => m.subject === '[Agentry] Rows ready') && receiver.at('/endpoint').length >= 1 && receiver.at('/slack/mailing-script').length === 1,
    { timeoutMs: 30_000 },
  );
  const mail = smtp.mails.find((m) => m.subject === '[Agentry] Rows ready')!;
  expect(mail.to).toEqual(['admin@script-api.example.test']);
  expect(mail.raw).toContain('found 3 rows');
  const posted = JSON.parse(receiver.at('/endpoint')[0]!.body) as { type: string; data: Record<string, unknown> };
  expect(posted).toMatchObject({ type: 'script.notification', data: { containerId: String(containerId), message: 'half way' } });
  expect(receiver.at('/endpoint')[0]!.headers['webhook-signature']).toBeDefined();
  expect(JSON.parse(receiver.at('/slack/mailing-script')[0]!.body)).toEqual({ text: 'half way' });
});

test('a hostile script cannot mail outside the org, inject mail headers, pick another container or pass malformed arguments', async () => {
  const { containerId: otherContainer } = await runScript(limited, 'victim-run', `await buster.setResultObject({ idle: true });`);
  const { containerId, result } = await runScript(
    org,
    'hostile-script',
    `const relay = ${outcome("buster.mail('hi', 'spam', 'victim@elsewhere.test')")};
     const rawRelay = ${outcome("buster._channel.request({ kind: 'mail', subject: 'hi', text: 'spam', to: 'victim2@elsewhere.test' })")};
     const injected = ${outcome("buster.mail('Report\\r\\nBcc: victim3@elsewhere.test', 'body')")};
     const spoofed = ${outcome(`buster._channel.request({ kind: 'notify', text: 'spoofed', containerId: ${otherContainer}, orgId: ${Number(limited.orgId)} })`)};
     const badSubject = ${outcome("buster.mail(42, 'x')")};
     const badRaw = ${outcome("buster._channel.request({ kind: 'mail', subject: { toString: 1 }, text: 'x' })")};
     await buster.setResultObject({ relay, rawRelay, injected, spoofed, badSubject, badRaw });`,
  );
  // No open relay: refused by the notifier, named field in the message, whether through the runtime or raw.
  expect(result.relay).toMatchObject({ code: 'VALIDATION_FAILED' });
  expect(result.rawRelay).toMatchObject({ code: 'VALIDATION_FAILED' });
  // A header in the subject is blanked into the subject line, never a header of its own.
  expect(result.injected).toEqual({ ok: true });
  // The container and org are the run's own: ids a script sends are dropped by the executor.
  expect(result.spoofed).toEqual({ ok: true });
  expect(result.badSubject).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('subject') });
  expect(result.badRaw).toMatchObject({ code: 'VALIDATION_FAILED' });

  await waitUntil(() => smtp.mails.some((m) => m.subject.startsWith('[Agentry] Report')) && receiver.at('/endpoint').some((r) => r.body.includes('spoofed')), {
    timeoutMs: 30_000,
  });
  const injectedMail = smtp.mails.find((m) => m.subject.startsWith('[Agentry] Report'))!;
  expect(injectedMail.to).toEqual(['admin@script-api.example.test']);
  expect(injectedMail.raw).not.toMatch(/^Bcc:/im);
  expect(smtp.mails.flatMap((m) => m.to).filter((to) => to.includes('elsewhere.test'))).toEqual([]);
  const spoofed = receiver.at('/endpoint').find((r) => r.body.includes('spoofed'))!;
  expect(JSON.parse(spoofed.body)).toMatchObject({ data: { containerId: String(containerId) } });
  expect(receiver.at('/slack/victim-run')).toEqual([]);
});

test(`the per-org limit: a script's ${PER_HOUR + 1}th call within the hour is refused with RATE_LIMITED and when to retry, and the run goes on`, async () => {
  const { result } = await runScript(
    limited,
    'flooding-script',
    `const answers = [];
     for (let i = 0; i < ${PER_HOUR + 1}; i++) answers.push(${outcome('buster.notify(`flood ${i}`)')});
     await buster.setResultObject({ answers, after: 'still running' });`,
  );
  const answers = result.answers as { ok?: boolean; code?: string; message?: string }[];
  expect(answers.slice(0, PER_HOUR)).toEqual(Array.from({ length: PER_HOUR }, () => ({ ok: true })));
  expect(answers[PER_HOUR]).toMatchObject({ code: 'RATE_LIMITED', message: expect.stringMatching(/per hour.*retry in \d+ s/) });
  expect(result.after).toBe('still running');
  await waitUntil(() => receiver.at('/slack/flooding-script').length === PER_HOUR, { timeoutMs: 30_000 });
  expect(receiver.at('/slack/flooding-script').some((r) => r.body.includes(`flood ${PER_HOUR}`))).toBe(false);
});
