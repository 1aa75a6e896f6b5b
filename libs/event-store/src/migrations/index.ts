import type { MigrationInterface } from 'typeorm';
import { EventStoreSchema1764000000000 } from './1764000000000-event-store-schema.js';
import { ParkedEvents1765000000000 } from './1765000000000-parked-events.js';
import { AppendBatch1766000000000 } from './1766000000000-append-batch.js';
import { DropAppendBatch1767000000000 } from './1767000000000-drop-append-batch.js';
import { AppendFunctionIndexLookups1768000000000 } from './1768000000000-append-function-index-lookups.js';
import { GroupAppendFunction1769000000000 } from './1769000000000-group-append-function.js';
import { MissingStreamRefusal1770000000000 } from './1770000000000-missing-stream-refusal.js';

/** Add these to your DataSource's migrations (before your own) and run them with migrate(). */
export const eventStoreMigrations: (new () => MigrationInterface)[] = [
  EventStoreSchema1764000000000,
  ParkedEvents1765000000000,
  AppendBatch1766000000000,
  DropAppendBatch1767000000000,
  AppendFunctionIndexLookups1768000000000,
  GroupAppendFunction1769000000000,
  MissingStreamRefusal1770000000000,
];
