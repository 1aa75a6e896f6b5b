import { Role, parseKeyInvalidation, type Actor } from '@agentry/contracts';
import { VerifiedKeyCache } from './auth-key-cache.js';

const actor = (keyId: number, orgId = 1): Actor => ({ keyId, orgId, userId: 7, roles: [Role.READ], platformAdmin: false });

test('remembers a verification per key and org selector, and hands out copies', () => {
  const cache = new VerifiedKeyCache(10, 1000);
  cache.remember('ak_one', undefined, actor(1), cache.generation);
  expect(cache.lookup('ak_one', undefined)).toEqual(actor(1));
  expect(cache.lookup('ak_one', '2')).toBeUndefined();
  expect(cache.lookup('ak_two', undefined)).toBeUndefined();
  cache.lookup('ak_one', undefined)!.roles.push(Role.ORG_ADMIN);
  expect(cache.lookup('ak_one', undefined)!.roles).toEqual([Role.READ]);
});

test('a revoke drops every entry of the key (any org selector) and of an org; others stay', () => {
  const cache = new VerifiedKeyCache(10, 1000);
  cache.remember('admin', undefined, actor(1, 1), cache.generation);
  cache.remember('admin', '5', actor(1, 5), cache.generation);
  cache.remember('other', undefined, actor(2, 1), cache.generation);
  cache.remember('third', undefined, actor(3, 3), cache.generation);
  cache.invalidate({ keyIds: [1], orgIds: [] });
  expect(cache.lookup('admin', undefined)).toBeUndefined();
  expect(cache.lookup('admin', '5')).toBeUndefined();
  expect(cache.lookup('other', undefined)).toEqual(actor(2, 1));
  cache.invalidate({ keyIds: [], orgIds: [1] });
  expect(cache.lookup('other', undefined)).toBeUndefined();
  expect(cache.lookup('third', undefined)).toEqual(actor(3, 3));
});

test('a verification in flight while anything was dropped is not stored (its answer may predate the revoke)', () => {
  const cache = new VerifiedKeyCache(10, 1000);
  const before = cache.generation;
  cache.invalidate({ keyIds: [99], orgIds: [] });
  cache.remember('ak_one', undefined, actor(1), before);
  expect(cache.lookup('ak_one', undefined)).toBeUndefined();
  const beforeClear = cache.generation;
  cache.clear();
  cache.remember('ak_one', undefined, actor(1), beforeClear);
  expect(cache.size).toBe(0);
});

test('bounded: the least recently used goes first', () => {
  const cache = new VerifiedKeyCache(2, 1000);
  cache.remember('a', undefined, actor(1), cache.generation);
  cache.remember('b', undefined, actor(2), cache.generation);
  cache.lookup('a', undefined);
  cache.remember('c', undefined, actor(3), cache.generation);
  expect(cache.size).toBe(2);
  expect(cache.lookup('b', undefined)).toBeUndefined();
  expect(cache.lookup('a', undefined)).toBeDefined();
  expect(cache.lookup('c', undefined)).toBeDefined();
});

test('the TTL is a backstop: an old entry is asked again', () => {
  let now = 1000;
  const cache = new VerifiedKeyCache(10, 500, () => now);
  cache.remember('a', undefined, actor(1), cache.generation);
  now = 1499;
  expect(cache.lookup('a', undefined)).toBeDefined();
  now = 1500;
  expect(cache.lookup('a', undefined)).toBeUndefined();
});

test('0 entries turns it off', () => {
  const cache = new VerifiedKeyCache(0, 500);
  cache.remember('a', undefined, actor(1), cache.generation);
  expect(cache.lookup('a', undefined)).toBeUndefined();
});

test('an invalidation message is read strictly; anything else is null (the receiver then drops everything)', () => {
  expect(parseKeyInvalidation({ keyIds: [1, 2] })).toEqual({ keyIds: [1, 2], orgIds: [] });
  expect(parseKeyInvalidation({ orgIds: [3] })).toEqual({ keyIds: [], orgIds: [3] });
  for (const bad of [null, 'x', [], { keyIds: 'x' }, { keyIds: [0] }, { keyIds: [1.5] }, { orgIds: [{}] }, { keyIds: ['1'] }]) {
    expect(parseKeyInvalidation(bad)).toBeNull();
  }
});
