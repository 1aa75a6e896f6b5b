import type pg from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';

/** The subset of pg's Pool / Client we use: supports named (prepared) statements, unlike TypeORM's query(). */
export interface PgQueryable {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- pg's own default row type
  query<R extends pg.QueryResultRow = any>(config: pg.QueryConfig): Promise<pg.QueryResult<R>>;
}

/** The pg Pool behind a TypeORM Postgres DataSource. */
export function pgPool(dataSource: DataSource): PgQueryable {
  return (dataSource.driver as PostgresDriver).master as PgQueryable;
}

/**
 * Where to run a statement: the connection of the caller's transaction when `manager` belongs to
 * one, otherwise the pool. Hot paths use this to skip TypeORM's per-query overhead.
 */
export async function pgConnection(dataSource: DataSource, manager?: EntityManager): Promise<PgQueryable> {
  const queryRunner = manager?.queryRunner;
  if (queryRunner && !queryRunner.isReleased) return (await queryRunner.connect()) as PgQueryable;
  return pgPool(dataSource);
}
