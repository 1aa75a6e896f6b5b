import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { lifecycleSubscriberPermissions, natsPermissionsOf } from '@agentry/contracts';
import { prepareNatsLogins } from '../lib/nats-logins.mjs';
import { SERVICES } from '../lib/services.mjs';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'agentry-nats-logins-'));
});
afterEach(() => fs.rm(dir, { recursive: true, force: true }));

test('every service npm start runs gets its own NATS login, held to its own permissions', async () => {
  const users = await prepareNatsLogins(dir);
  for (const service of SERVICES) {
    const login = users.find((u: { user: string }) => u.user === service.name);
    expect(login).toBeDefined();
    expect(login.permissions).toEqual(natsPermissionsOf(service.name));
  }
  expect(new Set(users.map((u: { password: string }) => u.password)).size).toBe(users.length);
});

test('passwords are generated once into files only the owner reads, in a folder only the owner enters', async () => {
  const first = await prepareNatsLogins(dir);
  expect((await fs.stat(path.join(dir, 'nats-users'))).mode & 0o777).toBe(0o700);
  for (const { user, password } of first) {
    const file = path.join(dir, 'nats-users', `${user}.password`);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect((await fs.readFile(file, 'utf8')).trim()).toBe(password);
    expect(password).toMatch(/^[0-9a-f]{48}$/);
  }
  // A restart keeps the same logins (services already running keep working).
  expect((await prepareNatsLogins(dir)).map((u: { password: string }) => u.password)).toEqual(first.map((u: { password: string }) => u.password));
});

test("a read-only 'subscriber' login for the operator's lifecycle subscribers: the LIFECYCLE stream only, no service subject", async () => {
  const users = await prepareNatsLogins(dir);
  const subscriber = users.find((u: { user: string }) => u.user === 'subscriber');
  expect(subscriber.permissions).toEqual(lifecycleSubscriberPermissions('subscriber'));
  expect((await fs.readFile(path.join(dir, 'nats-users', 'subscriber.password'), 'utf8')).trim()).toBe(subscriber.password);
  const allowed: string[] = subscriber.permissions.publish;
  // Control: a service login may call services; the subscriber may not, nor publish events.
  expect(allowed.every((s) => s.startsWith('$JS.'))).toBe(true);
  expect(allowed.some((s) => s.includes('EVENTS') || s.startsWith('$JS.API.STREAM.CREATE'))).toBe(false);
  expect(users.find((u: { user: string }) => u.user === 'gateway').permissions.publish.some((s: string) => s.startsWith('registry.'))).toBe(true);
});
