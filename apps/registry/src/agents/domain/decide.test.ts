import { AgentEventType, DomainError, ErrorCode, type AgentEvent, type AgentInstanceCounts } from '@agentry/contracts';
import { fold, type AgentState } from './agent.js';
import { availableActions, ZERO_INSTANCE_COUNTS } from './available-actions.js';
import { decideCreate, decideDelete, decideReinstate, decideRetire, decideRollback, decideUpdate, type CommandContext } from './decide.js';
import { defaultSettings } from './settings.js';
import { NO_SECRETS, sealSecrets } from './secrets.js';

const ctx = (now: number): CommandContext => ({ by: { userId: 1, keyId: 2 }, now });
const running: AgentInstanceCounts = { ...ZERO_INSTANCE_COUNTS, active: 1, total: 1 };

function created(): AgentEvent[] {
  return decideCreate(
    {
      agentId: 10,
      orgId: 3,
      settings: defaultSettings('First'),
      secrets: { proxyPassword: 'sealed-1', credentials: null },
      versionId: 'v1',
      storageFolder: 'f',
      userStorageFolder: 'uf',
      idempotencyKey: null,
    },
    ctx(1000),
  );
}
const stateOf = (...batches: AgentEvent[][]): AgentState => fold(batches.flat())!;
const expectError = (fn: () => unknown, code: ErrorCode) => {
  expect(fn).toThrow(DomainError);
  try {
    fn();
  } catch (e) {
    expect((e as DomainError).code).toBe(code);
  }
};

describe('agent decisions', () => {
  it('create appends AgentCreated + version 1 and checks cross-field rules', () => {
    const events = created();
    expect(events.map((e) => e.type)).toEqual([AgentEventType.AgentCreated, AgentEventType.AgentVersionSaved]);
    expect(events[1]!.data).toMatchObject({ versionNumber: 1, reason: 'create', savedAt: 1000, changedFields: [] });
    const state = stateOf(events);
    expect(state).toMatchObject({ id: 10, orgId: 3, status: 'active', current: { versionId: 'v1', versionNumber: 1 } });

    const inconsistent = { ...defaultSettings('x'), launchType: 'once' as const };
    const command = { agentId: 1, orgId: 1, secrets: NO_SECRETS, versionId: 'v', idempotencyKey: null, storageFolder: '', userStorageFolder: '' };
    expect(() => decideCreate({ ...command, settings: inconsistent }, ctx(1))).toThrow(/launchOnceAt/);
  });

  it('update patches, keeps secrets not sent, and records changed fields', () => {
    const s = stateOf(created());
    const [version] = decideUpdate(s, { patch: { name: 'Renamed' }, secrets: {}, versionId: 'v2' }, ctx(2000));
    expect(version!.data).toMatchObject({
      versionNumber: 2,
      reason: 'update',
      changedFields: ['name'],
      settings: { name: 'Renamed' },
      secrets: { proxyPassword: 'sealed-1', credentials: null },
    });
  });

  it('an unchanged save still records a version with who and when', () => {
    const s = stateOf(created());
    const [version] = decideUpdate(s, { patch: {}, secrets: {}, versionId: 'v2' }, ctx(3000));
    expect(version!.data).toMatchObject({ versionNumber: 2, changedFields: [], savedAt: 3000, savedBy: { userId: 1, keyId: 2 } });
  });

  it('update can clear a secret and an agentObject rides along', () => {
    const s = stateOf(created());
    const events = decideUpdate(s, { patch: {}, secrets: { proxyPassword: null }, versionId: 'v2', agentObject: '{"a":1}' }, ctx(2));
    expect(events[0]!.data).toMatchObject({ secrets: { proxyPassword: null }, changedFields: ['proxyPassword'] });
    expect(events[1]).toMatchObject({ type: AgentEventType.AgentObjectSaved, data: { agentObject: '{"a":1}' } });
  });

  it('rollback appends a new version equal to the old snapshot', () => {
    const first = created();
    const second = decideUpdate(
      stateOf(first),
      { patch: { name: 'Second', maxParallelism: 5 }, secrets: { proxyPassword: 'sealed-2' }, versionId: 'v2' },
      ctx(2),
    );
    const [rolled] = decideRollback(stateOf(first, second), { toVersionId: 'v1', versionId: 'v3' }, ctx(3));
    expect(rolled!.data).toMatchObject({
      versionId: 'v3',
      versionNumber: 3,
      reason: 'rollback',
      restoredFromVersionId: 'v1',
      settings: defaultSettings('First'),
      secrets: { proxyPassword: 'sealed-1' },
      changedFields: expect.arrayContaining(['name', 'maxParallelism', 'proxyPassword']),
    });
    expectError(() => decideRollback(stateOf(first, second), { toVersionId: 'nope', versionId: 'v3' }, ctx(3)), ErrorCode.NOT_FOUND);
  });

  it('retire blocks update and rollback until reinstated', () => {
    const first = created();
    const retired = decideRetire(stateOf(first), ZERO_INSTANCE_COUNTS, ctx(2));
    const s = stateOf(first, retired);
    expect(s.status).toBe('retired');
    expectError(() => decideUpdate(s, { patch: {}, secrets: {}, versionId: 'v2' }, ctx(3)), ErrorCode.INVALID_STATE);
    expectError(() => decideRollback(s, { toVersionId: 'v1', versionId: 'v2' }, ctx(3)), ErrorCode.INVALID_STATE);
    expectError(() => decideRetire(s, ZERO_INSTANCE_COUNTS, ctx(3)), ErrorCode.INVALID_STATE);
    const reinstated = decideReinstate(s, ZERO_INSTANCE_COUNTS, ctx(4));
    expect(stateOf(first, retired, reinstated).status).toBe('active');
    expectError(() => decideReinstate(stateOf(first), ZERO_INSTANCE_COUNTS, ctx(3)), ErrorCode.INVALID_STATE);
  });

  it('delete refuses while instances run; a deleted agent is not found', () => {
    const first = created();
    expectError(() => decideDelete(stateOf(first), running, ctx(2)), ErrorCode.FORBIDDEN);
    const deleted = decideDelete(stateOf(first), ZERO_INSTANCE_COUNTS, ctx(2));
    const s = stateOf(first, deleted);
    expect(s.status).toBe('deleted');
    expectError(() => decideUpdate(s, { patch: {}, secrets: {}, versionId: 'v' }, ctx(3)), ErrorCode.NOT_FOUND);
    expectError(() => decideDelete(s, ZERO_INSTANCE_COUNTS, ctx(3)), ErrorCode.NOT_FOUND);
    expectError(() => decideUpdate(null, { patch: {}, secrets: {}, versionId: 'v' }, ctx(3)), ErrorCode.NOT_FOUND);
  });
});

describe('availableActions (the `POST /api/v1/agent` API)', () => {
  it.each([
    ['active', ZERO_INSTANCE_COUNTS, { delete: true, reinstate: false, retire: true, update: true }],
    ['active', running, { delete: false, reinstate: false, retire: true, update: true }],
    ['retired', ZERO_INSTANCE_COUNTS, { delete: true, reinstate: true, retire: false, update: false }],
    ['deleted', ZERO_INSTANCE_COUNTS, { delete: false, reinstate: false, retire: false, update: false }],
  ] as const)('%s with %j', (status, counts, expected) => {
    expect(availableActions(status, counts)).toEqual(expected);
  });
});

describe('sealSecrets', () => {
  it('seals sent secrets, keeps null as a clear and leaves absent ones out', () => {
    const box = { seal: (s: string) => `sealed(${s.length})` };
    expect(sealSecrets({ proxyPassword: 'pw', credentials: null }, box)).toEqual({ proxyPassword: 'sealed(2)', credentials: null });
    expect(sealSecrets({}, box)).toEqual({});
  });
});
