import type { EntityManager } from 'typeorm';
import type { Projection, StoredEventOf } from '@agentry/event-store';
import { ScriptEventType, type ScriptEvent } from '@agentry/contracts';

/**
 * Keeps `scripts_scripts` equal to the live scripts of the log. Each ScriptSaved carries the
 * full snapshot, so applying is an upsert and replays give identical rows.
 */
export const scriptsProjection: Projection<ScriptEvent> = {
  name: 'registry:scripts',
  eventTypes: [ScriptEventType.saved, ScriptEventType.deleted],
  tables: ['scripts_scripts'],

  async apply(event: StoredEventOf<ScriptEvent>, manager: EntityManager): Promise<void> {
    if (event.type === ScriptEventType.saved) {
      const d = event.data;
      await manager.query(
        `INSERT INTO scripts_scripts (id, org_id, name, source, text, nonce, last_save_date, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (id) DO UPDATE SET org_id = EXCLUDED.org_id, name = EXCLUDED.name, source = EXCLUDED.source,
           text = EXCLUDED.text, nonce = EXCLUDED.nonce, last_save_date = EXCLUDED.last_save_date, created_at = EXCLUDED.created_at`,
        [d.scriptId, d.orgId, d.name, d.source, d.text, d.nonce, d.savedAt, d.createdAt],
      );
    } else if (event.type === ScriptEventType.deleted) {
      await manager.query(`DELETE FROM scripts_scripts WHERE id = $1`, [event.data.scriptId]);
    }
  },

  async reset(manager: EntityManager): Promise<void> {
    await manager.query(`TRUNCATE scripts_scripts`);
  },
};
