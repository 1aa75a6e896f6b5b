import { ErrorCode, Role } from '@agentry/contracts';
import { actorFor, parseOrgSelector, type KeyGrant } from './access.js';

const grant: KeyGrant = { keyId: 5, orgId: 2, userId: 3, roles: [Role.AGENTS_UPDATE], platformAdmin: false };
const exists = (ids: number[]) => async (id: number) => ids.includes(id);
const forbidden = expect.objectContaining({ code: ErrorCode.FORBIDDEN });

test('parseOrgSelector: absent/empty = own org; digits = that org; anything else is never accessible', () => {
  expect(parseOrgSelector(undefined)).toBeNull();
  expect(parseOrgSelector('')).toBeNull();
  expect(parseOrgSelector(' 12 ')).toBe(12);
  expect(parseOrgSelector(12)).toBe(12);
  for (const bad of ['acme', '0', '-1', '1e3', '9'.repeat(16)]) expect(() => parseOrgSelector(bad)).toThrow(forbidden);
});

test('a key acts in its own org with its own roles', async () => {
  const own = { orgId: 2, userId: 3, keyId: 5, roles: [Role.AGENTS_UPDATE], platformAdmin: false };
  await expect(actorFor(grant, null, exists([]))).resolves.toEqual(own);
  await expect(actorFor(grant, 2, exists([]))).resolves.toEqual(own);
});

test('an ordinary key cannot select another org, even an existing one', async () => {
  await expect(actorFor(grant, 9, exists([9]))).rejects.toEqual(forbidden);
});

test('a platform-admin key acts in any existing org as its admin', async () => {
  const admin = { ...grant, platformAdmin: true };
  await expect(actorFor(admin, 9, exists([9]))).resolves.toEqual({ orgId: 9, userId: 3, keyId: 5, roles: [Role.ORG_ADMIN], platformAdmin: true });
  await expect(actorFor(admin, 10, exists([9]))).rejects.toEqual(forbidden);
});
