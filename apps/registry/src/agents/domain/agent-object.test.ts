import { AgentEventType, DomainError } from '@agentry/contracts';
import type { AgentState } from './agent.js';
import { AGENT_OBJECT_MAX_BYTES, decideSetAgentObject, parseAgentObject } from './agent-object.js';

const ctx = { by: { userId: 1, keyId: 2 }, now: 1_700_000_000_000 };
const agent = (status: AgentState['status']): AgentState => ({
  id: 7,
  orgId: 1,
  status,
  createdAt: 1,
  updatedAt: 1,
  current: { versionId: 'v', versionNumber: 1, settings: {} as never, secrets: { proxyPassword: null, credentials: null } },
  versions: [],
});

test('accepts an object text or null, refuses anything else by field', () => {
  expect(parseAgentObject('{"a":1}')).toBe('{"a":1}');
  expect(parseAgentObject(null)).toBeNull();
  for (const bad of ['[1]', '3', 'nope', 12, undefined, `{"x":"${'y'.repeat(AGENT_OBJECT_MAX_BYTES)}"}`]) {
    const error = (() => {
      try {
        parseAgentObject(bad);
      } catch (e) {
        return e as DomainError;
      }
      return null;
    })();
    expect(error?.code).toBe('VALIDATION_FAILED');
    expect(error?.fields?.[0]?.field).toBe('agentObject');
  }
});

test('a live or retired agent records the object; a deleted one is not found', () => {
  expect(decideSetAgentObject(agent('retired'), '{"k":2}', ctx)).toEqual([
    { type: AgentEventType.AgentObjectSaved, data: { agentId: 7, agentObject: '{"k":2}', savedBy: ctx.by, savedAt: ctx.now } },
  ]);
  expect(() => decideSetAgentObject(agent('deleted'), null, ctx)).toThrow(/not found/);
});
