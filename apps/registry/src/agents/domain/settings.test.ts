import { applyPatch, changedFields, crossFieldProblems, defaultSettings } from './settings.js';

describe('agent settings', () => {
  const base = defaultSettings('A');

  it('partial updates keep unspecified fields', () => {
    const next = applyPatch({ ...base, description: 'd', maxParallelism: 3 }, { maxParallelism: 4 });
    expect(next).toMatchObject({ description: 'd', maxParallelism: 4, name: 'A' });
  });

  it.each([
    [{ launchType: 'once' as const }, 'launchOnceAt'],
    [{ launchType: 'after agent' as const }, 'launchAfterAgentId'],
    [{ launchType: 'repeatedly' as const }, 'repeatedLaunchTimes'],
    [{ proxyType: 'http' as const }, 'proxyAddress'],
    [{ proxyType: 'pool' as const }, 'proxyAddress'],
    [{ proxyType: 'squid lease' as const }, 'squidLeaseIdentifier'],
  ])('required-when: %j needs %s', (patch, field) => {
    expect(crossFieldProblems(applyPatch(base, patch))).toEqual([{ field, message: expect.stringContaining('is required when') }]);
  });

  it('consistent settings have no problems', () => {
    expect(crossFieldProblems(base)).toEqual([]);
    expect(crossFieldProblems(applyPatch(base, { launchType: 'once', launchOnceAt: 1_900_000_000_000 }))).toEqual([]);
  });

  it('changedFields compares deeply, ignoring key order', () => {
    const a = { ...base, userCustomMetadata: { a: 1, b: 2 } };
    expect(changedFields(a, { ...a, userCustomMetadata: { b: 2, a: 1 } })).toEqual([]);
    expect(changedFields(a, { ...a, name: 'B', tags: [1] })).toEqual(['name', 'tags']);
    expect(changedFields(null, a)).toEqual([]);
  });
});
