/**
 * One NATS login per service for the embedded nats-server: each service connects as itself and
 * is held to the subjects the permission map gives it (libs/contracts nats-permissions), so a
 * service that is taken over, or a script that reads one service's settings, cannot act as the
 * others on the bus. Passwords are generated once into `<data>/nats-users/<service>.password`
 * (folder 0700, files 0600) and reach the server through its 0600 config file, never a command line.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { NATS_SERVICE_USERS, lifecycleSubscriberPermissions, natsPermissionsOf } from '@agentry/contracts';
import { readOrCreateSecretFile } from './data-dir.mjs';

export const natsUsersDir = (dataDir) => path.join(dataDir, 'nats-users');

/**
 * The read-only login for the operator's own subscribers (libs/subscriber, docs/events/README.md):
 * it may only read the LIFECYCLE stream through consumers of its own, never publish an event or
 * call a service.
 */
export const SUBSCRIBER_USER = 'subscriber';
export const subscriberPasswordFile = (dataDir) => path.join(natsUsersDir(dataDir), `${SUBSCRIBER_USER}.password`);

/** The logins of every service user and of the subscriber, with their permissions: what `startNatsServer({ auth: { users } })` takes. */
export async function prepareNatsLogins(dataDir) {
  const dir = natsUsersDir(dataDir);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  await fs.chmod(dir, 0o700);
  const users = [];
  for (const user of NATS_SERVICE_USERS) {
    const { value: password } = await readOrCreateSecretFile(path.join(dir, `${user}.password`), () => randomBytes(24).toString('hex'));
    users.push({ user, password, permissions: natsPermissionsOf(user) });
  }
  const { value: password } = await readOrCreateSecretFile(subscriberPasswordFile(dataDir), () => randomBytes(24).toString('hex'));
  users.push({ user: SUBSCRIBER_USER, password, permissions: lifecycleSubscriberPermissions(SUBSCRIBER_USER) });
  return users;
}
