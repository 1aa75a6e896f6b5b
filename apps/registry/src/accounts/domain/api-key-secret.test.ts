import { randomBytes } from 'node:crypto';
import { API_KEY_PATTERN, GENERATED_KEY_PATTERN } from '@agentry/contracts';
import { ApiKeyHasher, generateApiKey } from './api-key-secret.js';

test('generated keys follow the public key format and the ak_<prefix>_<secret> layout, and differ', () => {
  const keys = Array.from({ length: 200 }, generateApiKey);
  for (const key of keys) {
    expect(key).toMatch(API_KEY_PATTERN);
    expect(key).toMatch(GENERATED_KEY_PATTERN);
    expect(key.length).toBeLessThanOrEqual(50);
  }
  expect(new Set(keys).size).toBe(keys.length);
});

test('a generated key is looked up by its visible prefix; the hash holds nothing of the key', () => {
  const hasher = new ApiKeyHasher(randomBytes(32));
  const key = generateApiKey();
  const digest = hasher.digest(key);
  expect(digest.prefix).toBe(key.slice(3, 13));
  expect(digest.prefixVisible).toBe(true);
  expect(digest.hash).toMatch(/^[0-9a-f]{64}$/);
  expect(digest.hash).not.toContain(key.slice(14));
});

test('a chosen key is looked up by a prefix of its hash, never by its own characters', () => {
  const hasher = new ApiKeyHasher(randomBytes(32));
  const digest = hasher.digest('my-admin-key');
  expect(digest.prefixVisible).toBe(false);
  expect(digest.prefix).toBe(`h${digest.hash.slice(0, 9)}`);
  expect(digest.prefix).not.toContain('my-a');
});

test('hashing is deterministic per secret key and differs between secret keys', () => {
  const secret = randomBytes(32);
  expect(new ApiKeyHasher(secret).digest('abcde').hash).toBe(new ApiKeyHasher(secret).digest('abcde').hash);
  expect(new ApiKeyHasher(randomBytes(32)).digest('abcde').hash).not.toBe(new ApiKeyHasher(secret).digest('abcde').hash);
});

test('sameHash compares equal hashes and refuses different or malformed ones', () => {
  const hasher = new ApiKeyHasher(randomBytes(32));
  const a = hasher.digest('key-one').hash;
  const b = hasher.digest('key-two').hash;
  expect(ApiKeyHasher.sameHash(a, a)).toBe(true);
  expect(ApiKeyHasher.sameHash(a, b)).toBe(false);
  expect(ApiKeyHasher.sameHash(a, a.slice(0, 10))).toBe(false);
});
