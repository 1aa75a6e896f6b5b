import { startPlatform, type TestPlatform } from '@agentry/platform-harness';
import { agentsApi, type AgentsApi } from './agents-test-kit.js';

/**
 * Each agents/save appends the FULL settings snapshot as one event, which the relay must publish as one NATS
 * message. Settings that fit one by one can together make an event the bus cannot carry: the save is refused
 * with 413 naming the largest field, and nothing is stored (the relay is never handed an event it cannot send).
 */
let platform: TestPlatform;
let api: AgentsApi;

beforeAll(async () => {
  platform = await startPlatform();
  api = agentsApi(platform, (await platform.newOrg({ name: 'event-size' })).key);
});
afterAll(async () => platform?.close());

test('a save whose version event would be over the bus limit answers 413 naming the field; the agent keeps its last version', async () => {
  const created = await api.save({ name: 'Big argument', argument: { blob: 'a'.repeat(600_000) } });
  expect(created.status).toBe(200);
  const id = created.body.id as string;

  // The request fits the body limit and the bus (1 MiB), but the version event, with every other setting and
  // its envelope, would be over what the relay can publish.
  const refused = await api.save({ id, argument: { blob: 'b'.repeat(1_035_000) } });
  expect(refused.status).toBe(413);
  expect(refused.text).not.toMatch(/Internal error|stack/i);
  expect(refused.body).toMatchObject({ status: 'error', error: 'PAYLOAD_TOO_LARGE', details: [{ field: 'settings.argument' }] });
  expect(refused.body.message ?? refused.body.error).toMatch(/too large: .* at most \d+ bytes are accepted/);

  const fetched = await api.fetch(id);
  expect(fetched.status).toBe(200);
  expect(fetched.body.argument).toContain('a'.repeat(1000));
  expect(fetched.body.argument).not.toContain('b'.repeat(1000));

  // Control: 20 KB less fits.
  expect((await api.save({ id, argument: { blob: 'b'.repeat(1_015_000) } })).status).toBe(200);
});
