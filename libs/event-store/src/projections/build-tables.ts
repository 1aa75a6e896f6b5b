import type { Queryable } from '../log-reader.js';
import type { Projection } from './projection.js';

interface LiveTable {
  /** As the projection names it (unqualified). */
  name: string;
  /** Schema it lives in (where search_path finds it). */
  schema: string;
  /** quote_ident(schema).quote_ident(name), as pg_get_indexdef prints it. */
  qualified: string;
}

/** How long the switch may wait for the live tables' lock before it gives up this attempt (readers queue behind it). */
const SWITCH_LOCK_TIMEOUT = '5s';

/**
 * Copies of a projection's read tables in a schema of their own (`agentry_build_<projection>`), filled by a
 * rebuild beside the live ones and then swapped in. The copies have the live tables' columns, defaults,
 * checks and keys (same names: indexes are named per schema), so the projection's unqualified SQL runs
 * unchanged against them once search_path puts the build schema first.
 */
export class BuildTables {
  private constructor(
    readonly schema: string,
    private readonly tables: LiveTable[],
  ) {}

  static schemaFor(projectionName: string): string {
    return `agentry_build_${projectionName.toLowerCase().replace(/[^a-z0-9]+/g, '_')}`.slice(0, 63);
  }

  /**
   * Drops what an interrupted rebuild left, creates the schema and empty copies with their keys (needed by
   * ON CONFLICT). Secondary indexes come later (`addIndexes`): building them once over the filled table is
   * cheaper than maintaining them row by row.
   */
  static async create(db: Queryable, projection: Projection): Promise<BuildTables> {
    const schema = BuildTables.schemaFor(projection.name);
    const tables: LiveTable[] = [];
    for (const name of projection.tables ?? []) {
      const rows: { schema: string; qualified: string }[] = await db.query(
        `SELECT n.nspname AS schema, format('%I.%I', n.nspname, c.relname) AS qualified
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass($1)`,
        [quoteIdent(name)],
      );
      const found = rows[0];
      if (!found) throw new Error(`${projection.name}: its table ${name} does not exist (run the migrations first)`);
      if (found.schema === schema) throw new Error(`${projection.name}: ${name} resolves to the build schema ${schema}`);
      tables.push({ name, ...found });
    }
    await db.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
    await db.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
    const build = new BuildTables(schema, tables);
    for (const table of tables) {
      await db.query(
        `CREATE TABLE ${build.copyOf(table)} (LIKE ${table.qualified}
           INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED INCLUDING STORAGE INCLUDING COMMENTS)`,
      );
      const constraints: { name: string; type: string; definition: string }[] = await db.query(
        `SELECT conname AS name, contype AS type, pg_get_constraintdef(oid) AS definition
         FROM pg_constraint WHERE conrelid = $1::regclass AND contype IN ('p', 'u', 'x', 'f') ORDER BY conname`,
        [table.qualified],
      );
      for (const constraint of constraints) {
        // A foreign key would tie the copy to a table it does not own (and the swap would break it).
        if (constraint.type === 'f')
          throw new Error(`${projection.name}: ${table.name} has a foreign key (${constraint.name}); read tables cannot be rebuilt beside with one`);
        await db.query(`ALTER TABLE ${build.copyOf(table)} ADD CONSTRAINT ${quoteIdent(constraint.name)} ${constraint.definition}`);
      }
    }
    return build;
  }

  /** Inside a transaction: the projection's unqualified table names now mean the copies (until it ends). */
  async usedBy(db: Queryable): Promise<void> {
    await db.query(`SELECT set_config('search_path', $1 || ', ' || current_setting('search_path'), true)`, [quoteIdent(this.schema)]);
  }

  /** The live tables' indexes that back no constraint, with their names, on the filled copies; then statistics. */
  async addIndexes(db: Queryable): Promise<void> {
    for (const table of this.tables) {
      const indexes: { definition: string }[] = await db.query(
        `SELECT pg_get_indexdef(i.indexrelid) AS definition FROM pg_index i
         WHERE i.indrelid = $1::regclass
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)
         ORDER BY i.indexrelid`,
        [table.qualified],
      );
      for (const { definition } of indexes) {
        const on = ` ON ${table.qualified} `;
        if (!definition.includes(on)) throw new Error(`unexpected index definition for ${table.qualified}: ${definition}`);
        await db.query(definition.replace(on, ` ON ${this.copyOf(table)} `));
      }
      await db.query(`ANALYZE ${this.copyOf(table)}`);
    }
  }

  /**
   * Takes the live tables (waits for the live leader's batch in flight; readers queue until commit). Call
   * first in the switch transaction: the leader locks these tables before its checkpoint row, so taking
   * them in the same order cannot deadlock with it.
   */
  async lockLive(db: Queryable): Promise<void> {
    await db.query(`SET LOCAL lock_timeout = '${SWITCH_LOCK_TIMEOUT}'`);
    await db.query(`LOCK TABLE ${this.tables.map((t) => t.qualified).join(', ')} IN ACCESS EXCLUSIVE MODE`);
  }

  /** In the switch transaction, after lockLive: the copies take the live tables' place, the old ones are dropped. */
  async swap(db: Queryable): Promise<void> {
    const retired = quoteIdent(`${this.schema.slice(0, 55)}_retired`);
    await db.query(`DROP SCHEMA IF EXISTS ${retired} CASCADE`);
    await db.query(`CREATE SCHEMA ${retired}`);
    for (const table of this.tables) {
      await db.query(`ALTER TABLE ${table.qualified} SET SCHEMA ${retired}`);
      await db.query(`ALTER TABLE ${this.copyOf(table)} SET SCHEMA ${quoteIdent(table.schema)}`);
    }
    await db.query(`DROP SCHEMA ${retired} CASCADE`);
    await db.query(`DROP SCHEMA ${quoteIdent(this.schema)} CASCADE`);
  }

  /** After a failed rebuild: the live tables are untouched, only the copies go. */
  async drop(db: Queryable): Promise<void> {
    await db.query(`DROP SCHEMA IF EXISTS ${quoteIdent(this.schema)} CASCADE`);
  }

  private copyOf(table: LiveTable): string {
    return `${quoteIdent(this.schema)}.${quoteIdent(table.name)}`;
  }
}

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;
