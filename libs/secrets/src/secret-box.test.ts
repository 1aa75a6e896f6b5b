import { randomBytes } from 'node:crypto';
import { SecretBox } from './secret-box.js';

test('seals and opens; ciphertext never contains the plaintext; each seal differs', () => {
  const box = new SecretBox(randomBytes(32));
  const a = box.seal('hunter2-password');
  const b = box.seal('hunter2-password');
  expect(a).not.toContain('hunter2');
  expect(a).not.toEqual(b);
  expect(box.open(a)).toBe('hunter2-password');
});

test('a different key or a tampered seal cannot open it', () => {
  const sealed = new SecretBox(randomBytes(32)).seal('x');
  expect(() => new SecretBox(randomBytes(32)).open(sealed)).toThrow(/cannot be opened/);
  const parts = sealed.split('.');
  parts[3] = Buffer.from('y').toString('base64url');
  expect(() => new SecretBox(randomBytes(32)).open(parts.join('.'))).toThrow();
});
