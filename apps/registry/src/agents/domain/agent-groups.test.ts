import { AGENT_GROUPS_MAX_ENTRIES, AgentGroupsEventType, DomainError } from '@agentry/contracts';
import { agentIdsOf, decideSaveAgentGroups, foldAgentGroups, parseAgentGroups } from './agent-groups.js';

const fieldsOf = (input: unknown): string[] => {
  try {
    parseAgentGroups(input);
  } catch (error) {
    return ((error as DomainError).fields ?? []).map((f) => f.field);
  }
  throw new Error('accepted');
};

test('a layout of agent ids and named groups is kept as given (numbers as v2 strings)', () => {
  const layout = parseAgentGroups(['4', 5, { id: 'g', name: 'Leads', agents: ['6', 7] }]);
  expect(layout).toEqual(['4', '5', { id: 'g', name: 'Leads', agents: ['6', '7'] }]);
  expect(agentIdsOf([...layout, '4'])).toEqual([4, 5, 6, 7]);
});

test('every bad entry is named by its path', () => {
  expect(fieldsOf('4,5')).toEqual(['agentGroups']);
  expect(fieldsOf(['abc', null, { id: '', name: 'x'.repeat(101), agents: ['1', '-2'] }, { id: 'g', name: 'n', agents: 'x' }])).toEqual([
    'agentGroups.0',
    'agentGroups.1',
    'agentGroups.2.id',
    'agentGroups.2.name',
    'agentGroups.2.agents.1',
    'agentGroups.3.agents',
  ]);
  expect(fieldsOf(Array(AGENT_GROUPS_MAX_ENTRIES + 1).fill('1'))).toEqual(['agentGroups']);
  // Control characters would reach every dashboard that shows the name.
  expect(fieldsOf([{ id: 'g', name: 'a\u0007b', agents: [] }])).toEqual(['agentGroups.0.name']);
});

test('the stream folds to its last saved layout; none saved is an empty list', () => {
  expect(foldAgentGroups([])).toEqual([]);
  const first = decideSaveAgentGroups(1, ['1'], 10);
  const second = decideSaveAgentGroups(1, [{ id: 'g', name: 'n', agents: ['2'] }], 20);
  expect(first.type).toBe(AgentGroupsEventType.saved);
  expect(foldAgentGroups([first, second])).toEqual([{ id: 'g', name: 'n', agents: ['2'] }]);
});
