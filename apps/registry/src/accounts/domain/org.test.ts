import { AccountEventType, DomainError, ErrorCode, Role } from '@agentry/contracts';
import { decideCreateOrg, decideCreateTag, effectiveRunningCap, foldOrg, parseCreateOrg, parseTagName } from './org.js';

const by = { userId: 1, keyId: 1 };

function fieldsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).code).toBe(ErrorCode.VALIDATION_FAILED);
    return (e as DomainError).fields!.map((f) => f.field);
  }
  throw new Error('expected a validation error');
}

describe('parseCreateOrg', () => {
  test('accepts a name, a plan and an optional admin email (trimmed)', () => {
    expect(parseCreateOrg({ name: ' Acme ', plan: { maxAgents: 5 }, adminEmail: ' a@b.co ' })).toEqual({
      name: 'Acme',
      plan: { maxAgents: 5 },
      adminEmail: 'a@b.co',
    });
    expect(parseCreateOrg({ name: 'Acme', plan: { maxAgents: 0 } }).adminEmail).toBeNull();
  });

  test.each([
    [{ plan: { maxAgents: 1 } }, ['name']],
    [{ name: 'x'.repeat(101), plan: { maxAgents: 1 } }, ['name']],
    [{ name: 'a\u0000b', plan: { maxAgents: 1 } }, ['name']],
    [{ name: 'a' }, ['plan.maxAgents']],
    [{ name: 'a', plan: 'big' }, ['plan']],
    [{ name: 'a', plan: { maxAgents: '3' } }, ['plan.maxAgents']],
    [{ name: 'a', plan: { maxAgents: 1.5 } }, ['plan.maxAgents']],
    [{ name: 'a', plan: { maxAgents: -1 } }, ['plan.maxAgents']],
    [{ name: 'a', plan: { maxAgents: 1 }, adminEmail: 'nope' }, ['adminEmail']],
    [{ name: 7, plan: {}, adminEmail: 3 }, ['name', 'plan.maxAgents', 'adminEmail']],
    // 0 would queue every run of the org for ever; a fraction or text is not a count.
    [{ name: 'a', plan: { maxAgents: 1, maxRunningContainers: 0 } }, ['plan.maxRunningContainers']],
    [{ name: 'a', plan: { maxAgents: 1, maxRunningContainers: 2.5 } }, ['plan.maxRunningContainers']],
    [{ name: 'a', plan: { maxAgents: 1, maxRunningContainers: '4' } }, ['plan.maxRunningContainers']],
    [{ name: 'a', plan: { maxAgents: 1, maxRunningContainers: 10_001 } }, ['plan.maxRunningContainers']],
  ])('rejects %j naming %j', (params, fields) => {
    expect(fieldsOf(() => parseCreateOrg(params))).toEqual(fields);
  });
});

test("the running-containers cap: the plan's when set (recorded), else absent from the event and the operator's default applies", () => {
  expect(parseCreateOrg({ name: 'a', plan: { maxAgents: 1, maxRunningContainers: 3 } }).plan).toEqual({ maxAgents: 1, maxRunningContainers: 3 });
  expect(parseCreateOrg({ name: 'a', plan: { maxAgents: 1, maxRunningContainers: null, extra: 1 } }).plan).toEqual({ maxAgents: 1 });
  expect(effectiveRunningCap({ maxRunningContainers: 3 }, 10)).toBe(3);
  expect(effectiveRunningCap({}, 10)).toBe(10);
});

test('a new org: name claim, creation with the plan, and its first user as org admin', () => {
  const events = decideCreateOrg({ name: 'Acme', plan: { maxAgents: 3 }, adminEmail: 'boss@acme.io' }, { orgId: 7, adminUserId: 9 }, 1000, by);
  expect(events.claim).toEqual({ type: AccountEventType.orgNameClaimed, data: { orgId: 7, name: 'Acme' } });
  expect(events.org[0]).toEqual({
    type: AccountEventType.orgCreated,
    data: { orgId: 7, name: 'Acme', plan: { maxAgents: 3 }, createdAt: 1000, createdBy: by },
  });
  expect(events.org[1].data).toEqual({ orgId: 7, userId: 9, email: 'boss@acme.io', roles: [Role.ORG_ADMIN], addedAt: 1000 });
  expect(foldOrg(events.org)).toEqual({ orgId: 7, name: 'Acme', plan: { maxAgents: 3 }, tagNames: [] });
});

test('tag names are unique in the org regardless of case', () => {
  const created = decideCreateOrg({ name: 'Acme', plan: { maxAgents: 3 }, adminEmail: null }, { orgId: 7, adminUserId: 9 }, 1000);
  const tag = decideCreateTag(foldOrg(created.org)!, 'Leads', 4, 2000, by);
  expect(tag.data).toEqual({ orgId: 7, tagId: 4, name: 'Leads', createdAt: 2000, createdBy: by });
  const org = foldOrg([...created.org, tag])!;
  expect(() => decideCreateTag(org, 'LEADS', 5, 3000, by)).toThrow(expect.objectContaining({ code: ErrorCode.ALREADY_EXISTS }));
  expect(decideCreateTag(org, 'Prospects', 5, 3000, by).data.tagId).toBe(5);
});

test('tag names: required, trimmed, at most 50 characters', () => {
  expect(parseTagName('  vip ')).toBe('vip');
  expect(fieldsOf(() => parseTagName(''))).toEqual(['name']);
  expect(fieldsOf(() => parseTagName(12))).toEqual(['name']);
  expect(fieldsOf(() => parseTagName('x'.repeat(51)))).toEqual(['name']);
});
