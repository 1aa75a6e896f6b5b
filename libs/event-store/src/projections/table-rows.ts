import type { Queryable } from '../log-reader.js';

/**
 * A read table as set-based projections write it: its columns with their SQL types, and the one-column
 * key rows are found and upserted by. A batch apply reads the rows its events touch in one SELECT and
 * writes their final states in one upsert: one array parameter per column, zipped by `unnest` (about a
 * third less Postgres time per row than one JSON document parsed by json_to_recordset, measured on the
 * scheduler's 100,000-row catch-up). jsonb values travel as their JSON text; array-typed columns (unnest
 * would flatten an array of arrays) as JSON text too, turned back into the column's array type.
 */
export class TableRows<Row extends object> {
  private readonly names: string;
  private readonly encoders: ColumnEncoder[];
  /** `$1::integer[], $2::text[], …`: one array per column. */
  private readonly arrays: string;
  /** The unnested values as the columns' types (jsonb and arrays decoded from their JSON text). */
  private readonly values: string;
  private readonly updates: string;

  constructor(
    readonly table: string,
    readonly key: keyof Row & string,
    private readonly columns: Record<keyof Row & string, string>,
  ) {
    const names = Object.keys(columns) as (keyof Row & string)[];
    this.names = names.join(', ');
    this.encoders = names.map((name) => encoderOf(columns[name]));
    this.arrays = names.map((name, i) => `$${i + 1}::${this.encoders[i]!.paramType}[]`).join(', ');
    this.values = names.map((name, i) => this.encoders[i]!.decode(`r.${name}`, columns[name])).join(', ');
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
    await db.query(`${this.insertRows()} ON CONFLICT (${this.key}) DO ${this.updates ? `UPDATE SET ${this.updates}` : 'NOTHING'}`, this.columnArrays(rows));
  }

  /** Inserts the rows whose `conflictKey` (a unique key's columns) is not stored yet; the others are left as they are. */
  async insertMissing(db: Queryable, rows: Row[], conflictKey: string = this.key): Promise<void> {
    if (rows.length === 0) return;
    await db.query(`${this.insertRows()} ON CONFLICT (${conflictKey}) DO NOTHING`, this.columnArrays(rows));
  }

  private insertRows(): string {
    return `INSERT INTO ${this.table} (${this.names}) SELECT ${this.values} FROM unnest(${this.arrays}) AS r(${this.names})`;
  }

  /** One array per column, in column order (a missing value is NULL, as a missing JSON key was). */
  private columnArrays(rows: Row[]): unknown[][] {
    const names = Object.keys(this.columns) as (keyof Row & string)[];
    return names.map((name, i) => {
      const encode = this.encoders[i]!.encode;
      return rows.map((row) => {
        const value = row[name];
        return value === undefined || value === null ? null : encode(value);
      });
    });
  }

  async delete(db: Queryable, keys: unknown[]): Promise<void> {
    if (keys.length === 0) return;
    await db.query(`DELETE FROM ${this.table} WHERE ${this.key} = ANY ($1::${this.columns[this.key]}[])`, [keys]);
  }
}

interface ColumnEncoder {
  /** The element type of the array parameter the column's values travel in. */
  paramType: string;
  encode(value: unknown): unknown;
  /** SQL turning the unnested value `ref` back into the column's type. */
  decode(ref: string, columnType: string): string;
}

const asIs: ColumnEncoder = { paramType: '', encode: (value) => value, decode: (ref) => ref };
const asJsonText = (value: unknown): string => JSON.stringify(value);

function encoderOf(columnType: string): ColumnEncoder {
  if (columnType === 'jsonb' || columnType === 'json') {
    return { paramType: 'text', encode: asJsonText, decode: (ref, type) => `${ref}::${type}` };
  }
  if (columnType.endsWith('[]')) {
    const element = columnType.slice(0, -2);
    return {
      paramType: 'text',
      encode: asJsonText,
      decode: (ref, type) => `CASE WHEN ${ref} IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(${ref}::jsonb)::${element})::${type} END`,
    };
  }
  return { ...asIs, paramType: columnType };
}
