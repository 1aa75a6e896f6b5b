import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Each script mail() / notify() call, for the per-org hourly limit (rows older than the hour are removed as new ones come). */
export class NotifierScriptNotifications1765100000300 implements MigrationInterface {
  name = 'NotifierScriptNotifications1765100000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE script_notification_calls (org_id integer NOT NULL, at bigint NOT NULL, event_id uuid NOT NULL PRIMARY KEY)`);
    await q.query(`CREATE INDEX script_notification_calls_org ON script_notification_calls (org_id, at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE script_notification_calls`);
  }
}
