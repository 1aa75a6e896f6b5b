import type { Queryable } from '../log-reader.js';

/**
 * A read table as set-based projections write it: its columns with their SQL types, and the one-column
 * key rows are found and upserted by. A batch apply reads the rows its events touch in one SELECT and
 * writes their final states in one upsert (the whole batch as one jsonb parameter).
 */
export class TableRows<Row extends object> {
  private readonly names: string;
  private readonly recordTypes: string;
  private readonly updates: string;

  constructor(
    readonly table: string,
    readonly key: keyof Row & string,
    private readonly columns: Record<keyof Row & string, string>,
  ) {
    const names = Object.keys(columns);
    this.names = names.join(', ');
    this.recordTypes = names.map((name) => `${name} ${columns[name as keyof Row & string]}`).join(', ');
    this.updates = names
      .filter((name) => name !== key)
      .map((name) => `${name} = EXCLUDED.${name}`)
      .join(', ');
  }

  /** The stored rows with these keys (bigints arrive as text: they are written back as they are). */
  async select(db: Queryable, keys: unknown[]): Promise<Row[]> {
    if (keys.length === 0) return [];
    return db.query(`SELECT ${this.names} FROM ${this.table} WHERE ${this.key} = ANY ($1::${this.columns[this.key]}[])`, [keys]);
  }

  /** Writes every column of these rows: inserted, or replacing the stored row with the same key. */
  async upsert(db: Queryable, rows: Row[]): Promise<void> {
    if (rows.length === 0) return;
    await db.query(
      `INSERT INTO ${this.table} (${this.names}) SELECT ${this.names} FROM json_to_recordset($1::json) AS r(${this.recordTypes})
       ON CONFLICT (${this.key}) DO ${this.updates ? `UPDATE SET ${this.updates}` : 'NOTHING'}`,
      [JSON.stringify(rows)],
    );
  }

  /** Inserts the rows whose `conflictKey` (a unique key's columns) is not stored yet; the others are left as they are. */
  async insertMissing(db: Queryable, rows: Row[], conflictKey: string = this.key): Promise<void> {
    if (rows.length === 0) return;
    await db.query(
      `INSERT INTO ${this.table} (${this.names}) SELECT ${this.names} FROM json_to_recordset($1::json) AS r(${this.recordTypes})
       ON CONFLICT (${conflictKey}) DO NOTHING`,
      [JSON.stringify(rows)],
    );
  }

  async delete(db: Queryable, keys: unknown[]): Promise<void> {
    if (keys.length === 0) return;
    await db.query(`DELETE FROM ${this.table} WHERE ${this.key} = ANY ($1::${this.columns[this.key]}[])`, [keys]);
  }
}
