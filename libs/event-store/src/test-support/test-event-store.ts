import { createTestDatabase } from '@agentry/testing';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../data-source.js';
import { EventStore } from '../event-store.js';
import { migrate } from '../migrate.js';
import { eventStoreMigrations } from '../migrations/index.js';

export interface TestEventStore {
  url: string;
  dataSource: DataSource;
  store: EventStore;
  /** Another DataSource on the same database (a second replica). */
  openReplica(): Promise<DataSource>;
  close(): Promise<void>;
}

/** A migrated event store on a fresh database. */
export async function openTestEventStore(poolSize = 30): Promise<TestEventStore> {
  const database = await createTestDatabase();
  const replicas: DataSource[] = [];
  const open = async () => {
    const dataSource = createDataSource({ url: database.url, migrations: eventStoreMigrations, poolSize });
    await dataSource.initialize();
    replicas.push(dataSource);
    return dataSource;
  };
  const dataSource = await open();
  await migrate(dataSource);
  return {
    url: database.url,
    dataSource,
    store: new EventStore(dataSource),
    openReplica: open,
    close: async () => {
      await Promise.all(replicas.map((ds) => ds.destroy()));
      await database.drop();
    },
  };
}
