import type { StoredEvent } from '@agentry/event-store';
import { RESULT_OBJECT_INLINE_BYTES } from '@agentry/events';
import { publicEventIdOf } from './public-event-id.js';
import { toPublicEvent, type ContainerFacts } from './to-public-event.js';

const stored = (type: string, data: Record<string, unknown>, streamType = 'container'): StoredEvent => ({
  globalPosition: '1',
  transactionId: '1',
  streamId: `${streamType}-1`,
  streamType,
  streamPosition: 1,
  eventId: '6f1c1f0e-1111-4111-8111-111111111111',
  type,
  schemaVersion: 1,
  data,
  metadata: {},
  createdAt: 0,
});
const facts = (over: Partial<ContainerFacts> = {}): ContainerFacts => ({
  orgId: 3,
  launchType: 'manual',
  agentVersionId: 'v1',
  agentVersionNumber: 4,
  queuedAt: 1000,
  startedAt: 1500,
  resultObject: null,
  ...over,
});
const ended = { containerId: 9, agentId: 2, status: 'failed', endType: 'agent timeout', exitCode: null, endMessage: 'timed out', endedAt: 4000 };

test('container.ended inlines a result object up to the limit; a larger one is only announced (hasResultObject, the API path)', () => {
  const small = toPublicEvent(stored('ContainerEnded', ended), { orgId: 3, container: facts({ resultObject: '{"a":1}' }) });
  expect(small?.data).toMatchObject({
    resultObject: { a: 1 },
    hasResultObject: true,
    durations: { queuedMs: 500, runMs: 2500, totalMs: 3000 },
    agentVersionNumber: 4,
  });
  const huge = JSON.stringify({ rows: 'x'.repeat(RESULT_OBJECT_INLINE_BYTES) });
  const big = toPublicEvent(stored('ContainerEnded', ended), { orgId: 3, container: facts({ resultObject: huge }) });
  expect(big?.data).toMatchObject({ resultObject: null, hasResultObject: true, resultObjectPath: '/api/v2/containers/fetch-result-object?id=9' });
});

test('a run that never started has null start and durations, launchFailed true', () => {
  const e = toPublicEvent(stored('ContainerEnded', { ...ended, launchFailed: true }), { orgId: 3, container: facts({ startedAt: null }) });
  expect(e?.data).toMatchObject({ launchFailed: true, startedAt: null, durations: { queuedMs: null, runMs: null, totalMs: 3000 }, hasResultObject: false });
});

test('the public id is derived from the internal one: stable, and not the internal id itself', () => {
  const e = toPublicEvent(stored('ContainerStarted', { containerId: 9, agentId: 2, startedAt: 1500 }), { orgId: 3, container: facts() });
  expect(e?.id).toBe(publicEventIdOf('6f1c1f0e-1111-4111-8111-111111111111'));
  expect(e?.id).toMatch(/^evt_[0-9a-f]{32}$/);
  expect(e?.id).not.toContain('6f1c1f0e');
  expect(e).toMatchObject({ type: 'container.started', orgId: '3', agentId: '2', data: { containerId: '9', queuedMs: 500 } });
});

test('internal fields the contract does not name never leak (the launch argument, executor ids, secrets of a version)', () => {
  const queued = toPublicEvent(
    stored('ContainerQueued', {
      containerId: 9,
      agentId: 2,
      orgId: 3,
      launchType: 'manual',
      agentVersionId: 'v1',
      queuedAt: 1,
      argument: '{"password":"hunter2"}',
      launchedBy: { userId: 1, keyId: 1 },
    }),
    { orgId: 3, versionNumber: 1 },
  );
  const saved = toPublicEvent(
    stored(
      'AgentVersionSaved',
      {
        agentId: 2,
        versionId: 'v1',
        versionNumber: 1,
        settings: { name: 'n' },
        secrets: { sealed: 'S3CRET' },
        savedBy: { userId: 1, keyId: 1 },
        savedAt: 1,
        reason: 'create',
        changedFields: [],
      },
      'agent',
    ),
    { orgId: 3 },
  );
  const started = toPublicEvent(stored('ContainerStarted', { containerId: 9, agentId: 2, startedAt: 2, executorId: 'exec-host-7' }), {
    orgId: 3,
    container: facts(),
  });
  const text = JSON.stringify([queued, saved, started]);
  for (const secret of ['hunter2', 'S3CRET', 'exec-host-7', 'argument', 'secrets']) expect(text).not.toContain(secret);
});
