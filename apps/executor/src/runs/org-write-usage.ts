import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Fixed windows: the one holding `now` starts at the last multiple of its length since the epoch. */
const windowStartOf = (now: number, windowSeconds: number): Date => new Date(Math.floor(now / (windowSeconds * 1000)) * windowSeconds * 1000);

/**
 * Bytes each org's scripts wrote per fixed window (`executor_org_write_usage`), shared by every executor
 * replica. Operational state, not a read model: it is not rebuilt from the log.
 */
@Injectable()
export class OrgWriteUsage {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Adds `bytes` to the org's current window unless that would pass `limit`: one statement, so replicas
   * racing for the last bytes cannot both get them. Also forgets the org's earlier windows. False = refused.
   */
  async add(orgId: number, bytes: number, limit: number, windowSeconds: number, now = Date.now()): Promise<boolean> {
    const windowStart = windowStartOf(now, windowSeconds);
    const rows: unknown[] = await this.dataSource.query(
      `WITH forgotten AS (DELETE FROM executor_org_write_usage WHERE org_id = $1 AND window_start < $2)
       INSERT INTO executor_org_write_usage AS u (org_id, window_start, bytes)
       SELECT $1, $2, $3 WHERE $3::bigint <= $4::bigint
       ON CONFLICT (org_id, window_start) DO UPDATE SET bytes = u.bytes + EXCLUDED.bytes WHERE u.bytes + EXCLUDED.bytes <= $4::bigint
       RETURNING bytes`,
      [orgId, windowStart, bytes, limit],
    );
    return rows.length > 0;
  }

  /** Takes back bytes added for a write that then failed (never below zero; nothing once the window has passed). */
  async giveBack(orgId: number, bytes: number, windowSeconds: number, now = Date.now()): Promise<void> {
    await this.dataSource.query(`UPDATE executor_org_write_usage SET bytes = GREATEST(bytes - $3::bigint, 0) WHERE org_id = $1 AND window_start = $2`, [
      orgId,
      windowStartOf(now, windowSeconds),
      bytes,
    ]);
  }

  /** Bytes written in the org's current window. */
  async current(orgId: number, windowSeconds: number, now = Date.now()): Promise<number> {
    const rows: { bytes: string }[] = await this.dataSource.query(`SELECT bytes::text FROM executor_org_write_usage WHERE org_id = $1 AND window_start = $2`, [
      orgId,
      windowStartOf(now, windowSeconds),
    ]);
    return Number(rows[0]?.bytes ?? 0);
  }
}
