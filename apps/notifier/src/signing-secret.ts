import { loadConfig, key256 } from '@agentry/config';
import { orgSigningSecret } from './webhooks/signing.js';

/**
 * `npm run signing-secret -w @agentry/notifier -- <orgId>`: prints an org's webhook signing secret
 * (`whsec_…`), for the operator to hand to the org, which verifies deliveries with it
 * (docs/api/webhooks.md). Reads AGENTRY_SECRET_KEY like the notifier; nothing is stored or logged.
 */
export function signingSecretCommand(args: string[], env: Record<string, string | undefined>): string {
  const [orgId] = args;
  if (!orgId || !/^[1-9][0-9]{0,15}$/.test(orgId) || !Number.isSafeInteger(Number(orgId))) {
    throw new Error('usage: signing-secret <orgId> — orgId must be a positive whole number');
  }
  const { AGENTRY_SECRET_KEY } = loadConfig({ AGENTRY_SECRET_KEY: key256() }, env);
  return orgSigningSecret(AGENTRY_SECRET_KEY, Number(orgId));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    process.stdout.write(`${signingSecretCommand(process.argv.slice(2), process.env)}\n`);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(64);
  }
}
