import type { Queryable } from '../log-reader.js';

/**
 * A read table as set-based projections write it: its columns with their SQL types, and the one-column
 * key rows are found and upserted by. A batch apply reads the rows its events touch in one SELECT and
 * writes their final states in one upsert: one parameter per column, zipped by `ROWS FROM (unnest(…), …)`.
 * Scalar columns travel as Postgres array literals (Postgres parses those with less work than one JSON
 * document of whole rows through json_to_recordset); jsonb and array-typed columns as one JSON array each
 * (quoting JSON text into an array literal cost node more than it saved; unnest would flatten an array of
 * arrays), turned back into the column's type.
 */
export class TableRows<Row extends object> {
  private readonly names: string;
  private readonly encoders: ColumnEncoder[];
  /** `unnest($1::integer[]), json_array_elements($2::json), …`: one set-returning function per column. */
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
    this.arrays = names.map((name, i) => this.encoders[i]!.unnest(`$${i + 1}`)).join(', ');
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
    return `INSERT INTO ${this.table} (${this.names}) SELECT ${this.values} FROM ROWS FROM (${this.arrays}) AS r(${this.names})`;
  }

  /**
   * One Postgres array literal per column, in column order (a missing value is NULL, as a missing JSON key
   * was). Written here rather than by the driver: numbers go unquoted and each text is escaped in one pass
   * (the driver's per-element escaping cost more node time than Postgres saved on the catch-up).
   */
  private columnArrays(rows: Row[]): string[] {
    const names = Object.keys(this.columns) as (keyof Row & string)[];
    return names.map((name, i) => {
      const { encode, asJson } = this.encoders[i]!;
      if (asJson) return JSON.stringify(rows.map((row) => row[name] ?? null));
      const elements = new Array<string>(rows.length);
      for (let r = 0; r < rows.length; r++) {
        const value = rows[r]![name];
        elements[r] = value === undefined || value === null ? 'NULL' : encode(value);
      }
      return `{${elements.join(',')}}`;
    });
  }

  async delete(db: Queryable, keys: unknown[]): Promise<void> {
    if (keys.length === 0) return;
    await db.query(`DELETE FROM ${this.table} WHERE ${this.key} = ANY ($1::${this.columns[this.key]}[])`, [keys]);
  }
}

interface ColumnEncoder {
  /** The set-returning function giving the column's values from parameter `param`. */
  unnest(param: string): string;
  /** The column travels as one JSON array (jsonb and array columns), not as a Postgres array literal. */
  asJson: boolean;
  /** A non-null value as an element of a Postgres array literal. */
  encode(value: unknown): string;
  /** SQL turning the unnested value `ref` back into the column's type. */
  decode(ref: string, columnType: string): string;
}

/** A quoted array element: inside the quotes only `"` and `\\` are special (so 'NULL' and '' stay text). */
const quoted = (text: string): string => `"${text.replace(/["\\]/g, '\\$&')}"`;
/** Finite numbers as they are; anything else as the quoted text the driver would have sent. */
const asElement = (value: unknown): string => {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string') return quoted(value);
  if (value instanceof Date) return quoted(value.toISOString());
  if (typeof value === 'object') return quoted(JSON.stringify(value));
  return quoted(String(value));
};
const unused = (): string => {
  throw new Error('JSON columns are not encoded element by element');
};

function encoderOf(columnType: string): ColumnEncoder {
  // JSON values as JSON: quoting their text into an array literal cost more than Postgres parsing it.
  // A JSON null element is SQL NULL, as json_to_recordset had it.
  const fromJson = (decode: (ref: string, type: string) => string): ColumnEncoder => ({
    unnest: (param) => `json_array_elements(${param}::json)`,
    asJson: true,
    encode: unused,
    decode: (ref, type) => `CASE WHEN json_typeof(${ref}) = 'null' THEN NULL ELSE ${decode(ref, type)} END`,
  });
  if (columnType === 'jsonb' || columnType === 'json') return fromJson((ref, type) => `${ref}::${type}`);
  if (columnType.endsWith('[]')) {
    const element = columnType.slice(0, -2);
    return fromJson((ref, type) => `ARRAY(SELECT json_array_elements_text(${ref})::${element})::${type}`);
  }
  return { unnest: (param) => `unnest(${param}::${columnType}[])`, asJson: false, encode: asElement, decode: (ref) => ref };
}
