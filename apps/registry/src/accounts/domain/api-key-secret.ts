import { createHmac, hkdfSync, randomInt, timingSafeEqual } from 'node:crypto';
import { GENERATED_KEY_PATTERN } from '@agentry/contracts';

const PREFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

const randomString = (alphabet: string, length: number): string => Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join('');

/** A fresh key `ak_<10-char prefix>_<32-char secret>` (46 characters, ~190 random bits in the secret). */
export const generateApiKey = (): string => `ak_${randomString(PREFIX_ALPHABET, 10)}_${randomString(SECRET_ALPHABET, 32)}`;

export interface ApiKeyDigest {
  /** HMAC-SHA256 (hex): the only form of the key ever stored. */
  hash: string;
  /** What the key is looked up by (indexed, not unique). */
  prefix: string;
  /** True when `prefix` is the public part of a generated key (safe to show in lists). */
  prefixVisible: boolean;
}

/**
 * Hashes API keys with HMAC-SHA256 under a key derived from AGENTRY_SECRET_KEY, so a copy of the
 * database alone cannot be used to test guesses of a short chosen key offline.
 *
 * Lookup: generated keys carry a public 10-character prefix; a chosen key (the bootstrap key) is
 * looked up by the first characters of its hash instead, so nothing of the key itself is stored or
 * shown. The full hash is then compared in constant time.
 */
export class ApiKeyHasher {
  private readonly hmacKey: Buffer;

  constructor(secretKey: Buffer) {
    this.hmacKey = Buffer.from(hkdfSync('sha256', secretKey, Buffer.alloc(0), 'agentry:api-key-hash:v1', 32));
  }

  digest(key: string): ApiKeyDigest {
    const hash = createHmac('sha256', this.hmacKey).update(key, 'utf8').digest('hex');
    const generated = GENERATED_KEY_PATTERN.exec(key);
    return generated ? { hash, prefix: generated[1]!, prefixVisible: true } : { hash, prefix: `h${hash.slice(0, 9)}`, prefixVisible: false };
  }

  /** Constant-time comparison of a presented key's hash with a stored hash. */
  static sameHash(presentedHash: string, storedHash: string): boolean {
    const a = Buffer.from(presentedHash, 'hex');
    const b = Buffer.from(storedHash, 'hex');
    return a.length === b.length && timingSafeEqual(a, b);
  }
}
