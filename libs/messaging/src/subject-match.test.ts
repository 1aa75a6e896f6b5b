import { matchesAny, subjectMatches } from './subject-match.js';

describe('subjectMatches', () => {
  it.each([
    ['events.agent.AgentCreated', 'events.agent.AgentCreated', true],
    ['events.agent.AgentCreated', 'events.agent.AgentSaved', false],
    ['events.agent.*', 'events.agent.AgentSaved', true],
    ['events.agent.*', 'events.agent', false],
    ['events.agent.*', 'events.agent.a.b', false],
    ['events.*.AgentSaved', 'events.agent.AgentSaved', true],
    ['events.>', 'events.agent.AgentSaved', true],
    ['events.>', 'events', false],
    ['events.agent.>', 'events.script.ScriptSaved', false],
    ['events.agent', 'events.agent.AgentSaved', false],
  ])('%s vs %s -> %s', (filter, subject, expected) => {
    expect(subjectMatches(filter, subject)).toBe(expected);
  });

  it('matchesAny is true when one filter matches', () => {
    expect(matchesAny(['events.script.>', 'events.agent.*'], 'events.agent.AgentSaved')).toBe(true);
    expect(matchesAny(['events.script.>', 'events.org.*'], 'events.agent.AgentSaved')).toBe(false);
    expect(matchesAny([], 'events.agent.AgentSaved')).toBe(false);
  });
});
