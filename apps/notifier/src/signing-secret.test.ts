import { signingSecretCommand } from './signing-secret.js';
import { orgSigningSecret } from './webhooks/signing.js';

const env = { AGENTRY_SECRET_KEY: '11'.repeat(32) };

test("prints the org's secret as the notifier derives it", () => {
  expect(signingSecretCommand(['42'], env)).toBe(orgSigningSecret(Buffer.from('11'.repeat(32), 'hex'), 42));
});

test.each([[[]], [['0']], [['-1']], [['4.2']], [['1e3']], [['99999999999999999']], [['42; rm -rf /']]])(
  'refuses the org id %j, saying what to pass',
  (args) => {
    expect(() => signingSecretCommand(args, env)).toThrow(/orgId must be a positive whole number/);
  },
);

test('refuses to run without the master key, naming the variable', () => {
  expect(() => signingSecretCommand(['42'], {})).toThrow(/AGENTRY_SECRET_KEY is required/);
});
