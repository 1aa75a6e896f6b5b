/**
 * The first admin API key. The registry creates the first org, its admin user and a
 * platform-admin key equal to AGENTRY_BOOTSTRAP_API_KEY when the database has no org yet.
 * Unless the user sets that variable, the launcher generates the key once per database,
 * keeps it in a 0600 file only until it has been shown, then deletes it and remembers that
 * it was shown (the registry stores only a hash; nobody can show it again).
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { readOrCreateSecretFile } from './data-dir.mjs';

/** 44 characters of [A-Za-z0-9_-]: inside the 5-50 characters of [A-Za-z0-9_:-] clients accept. */
export const generateApiKey = () => `agt_${randomBytes(30).toString('base64url')}`;

/**
 * Names the database the key belongs to, so pointing DATABASE_URL at a new database bootstraps
 * it too. Host, port and database name only: a changed password is still the same database.
 */
export function databaseIdentity(databaseUrl) {
  if (!databaseUrl) return 'embedded';
  const url = new URL(databaseUrl);
  const where = `${url.hostname}:${url.port || 5432}${url.pathname}`;
  return `db-${createHash('sha256').update(where).digest('hex').slice(0, 16)}`;
}

class FirstKeyRecord {
  constructor(dataDir, identity) {
    this.pendingFile = path.join(dataDir, `admin-key.${identity}.pending`);
    this.shownFile = path.join(dataDir, `admin-key.${identity}.shown`);
  }

  async wasShown() {
    return fs.access(this.shownFile).then(
      () => true,
      () => false,
    );
  }

  async pendingKey() {
    return (await readOrCreateSecretFile(this.pendingFile, generateApiKey)).value;
  }

  async markShown() {
    await fs.writeFile(this.shownFile, `${new Date().toISOString()}\n`);
    await fs.rm(this.pendingFile, { force: true });
  }
}

/** Decides, before the services start, which bootstrap key (if any) the registry receives. */
export async function planAdminKey({ configuredKey, dataDir, databaseUrl }) {
  if (configuredKey) return { source: 'env', key: configuredKey };
  const record = new FirstKeyRecord(dataDir, databaseIdentity(databaseUrl));
  if (await record.wasShown()) return { source: 'shown-before' };
  return { source: 'generated', key: await record.pendingKey(), record };
}

/**
 * After the gateway is up: asks it whether the planned key works (`probe` answers 'accepted',
 * 'rejected' or 'unknown') and answers what the ready banner should say about the key.
 */
export async function settleAdminKey(plan, probe) {
  if (plan.source === 'shown-before') return { kind: 'shown-before' };
  const verdict = await probe(plan.key);
  if (plan.source === 'env') return { kind: verdict === 'rejected' ? 'env-rejected' : 'env' };
  if (verdict === 'unknown') return { kind: 'new-unconfirmed', key: plan.key };
  await plan.record.markShown();
  return verdict === 'accepted' ? { kind: 'new', key: plan.key } : { kind: 'database-had-org' };
}
