import { AccountEventType, ErrorCode, Role } from '@agentry/contracts';
import { decideIssueKey, decideRevoke, foldApiKey, parseCreateApiKey } from './api-key.js';

const digest = { hash: 'ab'.repeat(32), prefix: 'abcdefghij', prefixVisible: true };
const issued = (platformAdmin = false) =>
  decideIssueKey({ keyId: 3, orgId: 1, userId: 2, name: 'ci', roles: [Role.AGENTS_CREATE], platformAdmin, digest }, 500);
const orgAdmin = { orgId: 1, userId: 2, keyId: 1, platformAdmin: false };

test('parseCreateApiKey: known roles (deduplicated), optional name; an empty role list is allowed', () => {
  expect(parseCreateApiKey({ name: ' deploy ', roles: [Role.AGENTS_CREATE, Role.AGENTS_CREATE] })).toEqual({
    name: 'deploy',
    roles: [Role.AGENTS_CREATE],
  });
  expect(parseCreateApiKey({ roles: [] })).toEqual({ name: null, roles: [] });
});

test.each([
  [{}, 'roles'],
  [{ roles: 'org:admin' }, 'roles'],
  [{ roles: ['org:owner'] }, 'roles'],
  [{ roles: [], name: 5 }, 'name'],
  [{ roles: [], name: 'x'.repeat(101) }, 'name'],
])('parseCreateApiKey rejects %j naming %s', (params, field) => {
  expect(() => parseCreateApiKey(params)).toThrow(expect.objectContaining({ code: ErrorCode.VALIDATION_FAILED, fields: [expect.objectContaining({ field })] }));
});

test('an issued key stores the digest only and folds to an active key', () => {
  const event = issued();
  expect(event.type).toBe(AccountEventType.apiKeyIssued);
  expect(event.data).toMatchObject({ keyId: 3, orgId: 1, userId: 2, prefix: 'abcdefghij', hash: digest.hash, createdAt: 500 });
  expect(foldApiKey([event])).toEqual({ keyId: 3, orgId: 1, platformAdmin: false, revoked: false });
});

test('revoking: once, then idempotent', () => {
  const revoke = decideRevoke(foldApiKey([issued()]), orgAdmin, 900);
  expect(revoke).toEqual([{ type: AccountEventType.apiKeyRevoked, data: { keyId: 3, orgId: 1, revokedAt: 900, revokedBy: { userId: 2, keyId: 1 } } }]);
  expect(decideRevoke(foldApiKey([issued(), ...revoke]), orgAdmin, 901)).toEqual([]);
});

test("revoking another org's or an unknown key is NOT_FOUND", () => {
  expect(() => decideRevoke(foldApiKey([issued()]), { ...orgAdmin, orgId: 2 }, 900)).toThrow(expect.objectContaining({ code: ErrorCode.NOT_FOUND }));
  expect(() => decideRevoke(null, orgAdmin, 900)).toThrow(expect.objectContaining({ code: ErrorCode.NOT_FOUND }));
});

test('only a platform admin revokes a platform-admin key', () => {
  const key = foldApiKey([issued(true)]);
  expect(() => decideRevoke(key, orgAdmin, 900)).toThrow(expect.objectContaining({ code: ErrorCode.FORBIDDEN }));
  expect(decideRevoke(key, { ...orgAdmin, platformAdmin: true }, 900)).toHaveLength(1);
});
