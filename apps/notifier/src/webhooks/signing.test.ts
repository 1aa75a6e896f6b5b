import { orgSigningSecret, signWebhook, webhookIdOf } from './signing.js';

test('signatures match the Standard Webhooks reference test vector', () => {
  // From the standard-webhooks specification's reference libraries.
  expect(signWebhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}')).toBe(
    'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
  );
});

test("each org's secret is its own, stable, and different under another master key", () => {
  const master = Buffer.alloc(32, 7);
  expect(orgSigningSecret(master, 1)).toBe(orgSigningSecret(master, 1));
  expect(orgSigningSecret(master, 1)).not.toBe(orgSigningSecret(master, 2));
  expect(orgSigningSecret(Buffer.alloc(32, 8), 1)).not.toBe(orgSigningSecret(master, 1));
  expect(orgSigningSecret(master, 1)).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
});

test('the webhook id is stable per (event, endpoint) and differs across either', () => {
  const event = '5f0c6f5e-3b1e-4c7e-9d8a-2b7f0e1c9a11';
  expect(webhookIdOf(event, 'https://a.example/hook')).toBe(webhookIdOf(event, 'https://a.example/hook'));
  expect(webhookIdOf(event, 'https://a.example/hook')).not.toBe(webhookIdOf(event, 'https://b.example/hook'));
  expect(webhookIdOf(event, 'https://a.example/hook')).not.toBe(webhookIdOf('6f0c6f5e-3b1e-4c7e-9d8a-2b7f0e1c9a11', 'https://a.example/hook'));
});
