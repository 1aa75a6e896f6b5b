import 'reflect-metadata';
import pg from 'pg';
import { DataSource, type MigrationInterface } from 'typeorm';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions.js';

export interface CreateDataSourceOptions {
  url: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type for entity classes
  entities?: Function[];
  migrations?: (new () => MigrationInterface)[];
  poolSize?: number;
  /** Shown as application_name in pg_stat_activity. */
  name?: string;
}

/** A Postgres DataSource whose schema comes from migrations only (never synchronize). Call initialize(). */
export function createDataSource(options: CreateDataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities: options.entities ?? [],
    migrations: options.migrations ?? [],
    migrationsRun: false,
    synchronize: false,
    poolSize: options.poolSize,
    applicationName: options.name,
  });
}

/**
 * A standalone pg client to the DataSource's database, for sessions that must outlive a pooled
 * query: advisory locks and LISTEN. It does not take a connection from the pool.
 */
export function createSessionClient(dataSource: DataSource, applicationName: string): pg.Client {
  const options = dataSource.options as PostgresDataSourceOptions;
  return new pg.Client({
    connectionString: options.url,
    host: options.host,
    port: options.port,
    user: options.username,
    password: options.password,
    database: options.database,
    ssl: options.ssl as pg.ClientConfig['ssl'],
    application_name: applicationName,
  });
}
