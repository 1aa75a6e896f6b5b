import { startRegistry, type RunningRegistry } from '@agentry/registry';
import type { TestNats } from '@agentry/testing';

/**
 * The registry in this process on a test database and test NATS, logging in as itself (held to
 * its NATS permissions, libs/contracts nats-permissions). Shared by the platform harness and by
 * app tests that need a live registry to answer their RPCs (the executor's test bed).
 */
export async function startTestRegistry(opts: {
  databaseUrl: string;
  nats: Pick<TestNats, 'urlFor'>;
  secretKey: Buffer;
  /** The platform-admin key of the first org (bootstrap). */
  bootstrapApiKey?: string;
}): Promise<RunningRegistry> {
  return startRegistry({
    databaseUrl: opts.databaseUrl,
    natsUrl: opts.nats.urlFor('registry'),
    secretKey: opts.secretKey,
    bootstrapApiKey: opts.bootstrapApiKey,
    logLevel: 'warn',
  });
}
