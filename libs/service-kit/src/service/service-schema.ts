import type { DataSource, MigrationInterface } from 'typeorm';
import { createDataSource, eventStoreMigrations, type CreateDataSourceOptions, type ProjectionRunner } from '@agentry/event-store';

/** What a ProjectionRunner folds: the read models of a service. */
export type ServiceProjections = ConstructorParameters<typeof ProjectionRunner>[1];

/** What a service owns in the database and folds from the event log, known without any config. */
export interface ServiceSchemaSpec {
  /** Names its log lines, NATS connections and its database sessions (`application_name`). */
  name: string;
  /** Its tables' migrations, run after the event store's own. Absent: the service has no database (the gateway). */
  migrations?: (new () => MigrationInterface)[];
  /** TypeORM entities of its read models, if it reads them through repositories. */
  entities?: CreateDataSourceOptions['entities'];
  /** Its read models; a new list each call (runners keep per-projection state). */
  projections?: () => ServiceProjections;
}

/**
 * A service's schema: the one place its data source and projections are declared, used alike by
 * its boot (`bootService`), its rebuild command (`runRebuildCommand`) and its tests.
 */
export interface ServiceSchema extends ServiceSchemaSpec {
  readonly hasDatabase: boolean;
  /** Its data source, not yet initialised; `sessionName` tells a second pool apart in pg_stat_activity. */
  dataSource(databaseUrl: string, sessionName?: string): DataSource;
  projections(): ServiceProjections;
}

export function defineService(spec: ServiceSchemaSpec): ServiceSchema {
  return {
    ...spec,
    hasDatabase: spec.migrations !== undefined,
    dataSource(databaseUrl, sessionName = spec.name) {
      if (!spec.migrations) throw new Error(`${spec.name} has no database`);
      return createDataSource({ url: databaseUrl, name: sessionName, entities: spec.entities, migrations: [...eventStoreMigrations, ...spec.migrations] });
    },
    projections: () => spec.projections?.() ?? [],
  };
}
