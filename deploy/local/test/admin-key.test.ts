import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { databaseIdentity, generateApiKey, planAdminKey, settleAdminKey } from '../lib/admin-key.mjs';
import { API_KEY_PATTERN } from '@agentry/contracts';

let dataDir: string;
beforeEach(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'agentry-admin-key-'));
});
afterEach(() => fs.rm(dataDir, { recursive: true, force: true }));

const plan = (configuredKey?: string, databaseUrl?: string) => planAdminKey({ configuredKey, dataDir, databaseUrl });
const answering = (verdict: string) => async () => verdict;

test('generated keys have the format clients accept', () => {
  for (let i = 0; i < 20; i++) expect(generateApiKey()).toMatch(API_KEY_PATTERN);
});

test('first start: a generated key, the same one until it has been shown, then never again', async () => {
  const first = await plan();
  expect(first.source).toBe('generated');
  expect((await fs.stat(path.join(dataDir, 'admin-key.embedded.pending'))).mode & 0o777).toBe(0o600);
  expect((await plan()).key).toBe(first.key);

  expect(await settleAdminKey(first, answering('accepted'))).toEqual({ kind: 'new', key: first.key });
  expect(await fs.readdir(dataDir)).toEqual(['admin-key.embedded.shown']);
  const later = await plan();
  expect(later).toEqual({ source: 'shown-before' });
  expect(await settleAdminKey(later, answering('accepted'))).toEqual({ kind: 'shown-before' });
});

test('a key the gateway could not confirm stays pending and is offered again next start', async () => {
  const first = await plan();
  expect(await settleAdminKey(first, answering('unknown'))).toEqual({ kind: 'new-unconfirmed', key: first.key });
  expect((await plan()).key).toBe(first.key);
});

test('a database that already had an org: the generated key is dropped, not shown', async () => {
  const first = await plan(undefined, 'postgres://u:p@db.example:5432/agentry');
  expect(await settleAdminKey(first, answering('rejected'))).toEqual({ kind: 'database-had-org' });
  expect(await plan(undefined, 'postgres://u:other@db.example:5432/agentry')).toEqual({ source: 'shown-before' });
  expect((await plan(undefined, 'postgres://u:p@db.example:5432/another')).source).toBe('generated');
});

test('AGENTRY_BOOTSTRAP_API_KEY is used as given and never written to disk', async () => {
  const fromEnv = await plan('my-bootstrap-key');
  expect(fromEnv).toEqual({ source: 'env', key: 'my-bootstrap-key' });
  expect(await settleAdminKey(fromEnv, answering('accepted'))).toEqual({ kind: 'env' });
  expect(await settleAdminKey(fromEnv, answering('rejected'))).toEqual({ kind: 'env-rejected' });
  expect(await fs.readdir(dataDir)).toEqual([]);
});

test('the database identity ignores credentials and defaults the port', () => {
  expect(databaseIdentity(undefined)).toBe('embedded');
  expect(databaseIdentity('postgres://a:b@h/db')).toBe(databaseIdentity('postgresql://c:d@h:5432/db'));
  expect(databaseIdentity('postgres://a:b@h/db')).not.toBe(databaseIdentity('postgres://a:b@h/db2'));
});
