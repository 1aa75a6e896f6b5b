import type { EntityManager } from 'typeorm';
import type { Projection, StoredEventOf } from '@agentry/event-store';
import { AccountEventType, type AccountEvent } from '@agentry/contracts';

type OrgUserAdded = Extract<AccountEvent, { type: typeof AccountEventType.userAdded }>;

/**
 * Who of an org hears mail notifications: its users as `OrgUserAdded` recorded them (email, roles).
 * Event data only, so a rebuild gives the same rows. Its own projection (not a case of
 * notifier:notifications) so that, added later, it still folds the orgs created before it.
 */
export const orgUsersProjection: Projection<OrgUserAdded> = {
  name: 'notifier:org-users',
  eventTypes: [AccountEventType.userAdded],
  tables: ['notifier_org_users'],
  async apply(event: StoredEventOf<OrgUserAdded>, m: EntityManager): Promise<void> {
    const d = event.data;
    await m.query(`INSERT INTO notifier_org_users (user_id, org_id, email, roles) VALUES ($1, $2, $3, $4) ON CONFLICT (user_id) DO NOTHING`, [
      d.userId,
      d.orgId,
      d.email,
      d.roles,
    ]);
  },
  async reset(m: EntityManager): Promise<void> {
    await m.query(`TRUNCATE notifier_org_users`);
  },
};

/** Mail goes to the org's admins that have an address (the people who manage its agents and endpoints). */
export async function orgMailRecipients(m: { query: EntityManager['query'] }, orgId: number): Promise<string[]> {
  const rows: { email: string }[] = await m.query(
    `SELECT email FROM notifier_org_users WHERE org_id = $1 AND email IS NOT NULL AND 'org:admin' = ANY(roles) ORDER BY user_id`,
    [orgId],
  );
  return rows.map((r) => r.email);
}
