import { API_KEY_PATTERN, DomainError, isRunKey } from '@agentry/contracts';
import { queuedState } from '../containers/domain/fixtures.test-kit.js';
import { containerOfRunKey, issueRunKey, runKeyActor, runKeyHash } from './run-keys.js';

const started = (hash: string, phase: 'running' | 'ended' = 'running') =>
  queuedState(
    {},
    {
      phase,
      started: { containerId: 100, agentId: 7, startedAt: 2000, executorId: 'e1', runKeyHash: hash },
      ended:
        phase === 'ended' ? { containerId: 100, agentId: 7, status: 'complete', endType: 'finished', exitCode: 0, endMessage: 'done', endedAt: 3000 } : null,
    },
  );

const refusal = (call: () => unknown): string => {
  try {
    call();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return `${(e as DomainError).code}: ${(e as DomainError).message}`;
  }
  throw new Error('expected a refusal');
};

test('a run key names its container, has the shape clients accept for a key, and only its hash is recorded', () => {
  const { key, hash } = issueRunKey(100);
  expect(key).toMatch(API_KEY_PATTERN);
  expect(isRunKey(key)).toBe(true);
  expect(containerOfRunKey(key)).toBe(100);
  expect(hash).toBe(runKeyHash(key));
  expect(hash).not.toContain(key.split('_')[2]);
  expect(issueRunKey(100).key).not.toBe(key);
});

test("while its run is running the key acts in the run's org, with read and launch rights only", () => {
  const { key, hash } = issueRunKey(100);
  expect(runKeyActor(started(hash), key)).toEqual({ orgId: 3, userId: 1, keyId: 2, roles: ['org:read', 'org:manage_agents:launch'], platformAdmin: false });
});

test('refused (the same answer each time) once the run ended, before it started, with a forged secret, or for another run', () => {
  const { key, hash } = issueRunKey(100);
  const invalid = 'UNAUTHENTICATED: Invalid API key';
  expect(refusal(() => runKeyActor(started(hash, 'ended'), key))).toBe(invalid);
  expect(refusal(() => runKeyActor(queuedState(), key))).toBe(invalid);
  expect(refusal(() => runKeyActor(null, key))).toBe(invalid);
  const forged = `rk_100_${'A'.repeat(24)}`;
  expect(refusal(() => runKeyActor(started(hash), forged))).toBe(invalid);
  expect(refusal(() => runKeyActor(started(issueRunKey(100).hash), key))).toBe(invalid);
  // A run started before keys existed has no hash: nothing matches it.
  expect(refusal(() => runKeyActor(queuedState({}, { phase: 'running', started: { containerId: 100, agentId: 7, startedAt: 1 } }), key))).toBe(invalid);
});

test.each([['rk_0_' + 'A'.repeat(24)], ['rk_100_short'], ['ak_abcdefghij_' + 'A'.repeat(32)], [42], [null], ['rk_100_' + 'A'.repeat(24) + '\n']])(
  'not a run key: %p',
  (key) => expect(containerOfRunKey(key)).toBeNull(),
);
