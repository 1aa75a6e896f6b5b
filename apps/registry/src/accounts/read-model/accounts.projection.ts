import type { EntityManager } from 'typeorm';
import { projectionOf, type EventDataWriters } from '@agentry/event-store';
import { AccountEventType, type AccountEvent } from '@agentry/contracts';

/** One writer per event type; every write is an upsert so replays give identical rows. */
const writers: EventDataWriters<AccountEvent> = {
  [AccountEventType.orgCreated]: (d, m) =>
    m.query(
      `INSERT INTO accounts_orgs (id, name, max_agents, max_running_containers, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, max_agents = EXCLUDED.max_agents,
         max_running_containers = EXCLUDED.max_running_containers, created_at = EXCLUDED.created_at`,
      [d.orgId, d.name, d.plan.maxAgents, d.plan.maxRunningContainers ?? null, d.createdAt],
    ),
  [AccountEventType.userAdded]: (d, m) =>
    m.query(
      `INSERT INTO accounts_users (id, org_id, email, roles, added_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO UPDATE SET org_id = EXCLUDED.org_id, email = EXCLUDED.email, roles = EXCLUDED.roles, added_at = EXCLUDED.added_at`,
      [d.userId, d.orgId, d.email, d.roles, d.addedAt],
    ),
  [AccountEventType.apiKeyIssued]: (d, m) =>
    m.query(
      `INSERT INTO accounts_api_keys (id, org_id, user_id, name, roles, platform_admin, prefix, prefix_visible, hash, created_at, revoked_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL)
       ON CONFLICT (id) DO UPDATE SET org_id = EXCLUDED.org_id, user_id = EXCLUDED.user_id, name = EXCLUDED.name, roles = EXCLUDED.roles,
         platform_admin = EXCLUDED.platform_admin, prefix = EXCLUDED.prefix, prefix_visible = EXCLUDED.prefix_visible,
         hash = EXCLUDED.hash, created_at = EXCLUDED.created_at, revoked_at = NULL`,
      [d.keyId, d.orgId, d.userId, d.name, d.roles, d.platformAdmin, d.prefix, d.prefixVisible, d.hash, d.createdAt],
    ),
  [AccountEventType.apiKeyRevoked]: (d, m) => m.query(`UPDATE accounts_api_keys SET revoked_at = $2 WHERE id = $1`, [d.keyId, d.revokedAt]),
  [AccountEventType.tagCreated]: (d, m) =>
    m.query(
      `INSERT INTO accounts_tags (id, org_id, name, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET org_id = EXCLUDED.org_id, name = EXCLUDED.name, created_at = EXCLUDED.created_at`,
      [d.tagId, d.orgId, d.name, d.createdAt],
    ),
};

/** Keeps the `accounts_*` tables equal to the orgs, users, keys and tags of the log. */
export const accountsProjection = projectionOf({
  name: 'registry:accounts',
  writers,
  tables: ['accounts_orgs', 'accounts_users', 'accounts_api_keys', 'accounts_tags'],
  async reset(manager: EntityManager): Promise<void> {
    await manager.query(`TRUNCATE accounts_orgs, accounts_users, accounts_api_keys, accounts_tags`);
  },
});
