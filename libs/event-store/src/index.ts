export type { AppendResult, EventMetadata, ExpectedVersion, LogPosition, NewEvent, StoredEvent } from './types.js';
export { compareLogPositions, LOG_START, positionOf } from './log-position.js';
export { ConcurrencyError } from './concurrency-error.js';
export { EventStore } from './event-store.js';
export type { IdSequence } from './schema-names.js';
export { ADVISORY_LOCK_NAMESPACE } from './schema-names.js';
export {
  BatchApplyFailed,
  EventApplyFailed,
  PoisonedEventError,
  projectionOf,
  type EventDataWriters,
  type ParkingPolicy,
  type Projection,
  type StoredEventOf,
  type StoredEventOfType,
  type TypedEvent,
} from './projections/projection.js';
export { ParkedEvents, type ParkedEvent, type ParkRequest } from './parking/parked-events.js';
export { parkedCommand, PARKED_USAGE } from './parking/parked-command.js';
export {
  checkEventIsRelayable,
  encodedEventBytes,
  EVENT_SIZE_MARGIN_BYTES,
  maxEventBytes,
  maxEventBytesFor,
  NATS_DEFAULT_MAX_PAYLOAD,
  setMaxEventBytes,
} from './event-size.js';
export { ProjectionRunner, type ProjectionRunnerOptions } from './projections/projection-runner.js';
export { lastCommittedPosition } from './log-reader.js';
export { TableRows } from './projections/table-rows.js';
export { foldRows } from './projections/fold-rows.js';
export { rebuildAndReport, rebuildProjections, type RebuildOptions, type RebuildProgress } from './projections/rebuild.js';
export { eventStoreMigrations } from './migrations/index.js';
export { migrate } from './migrate.js';
export { createDataSource, type CreateDataSourceOptions } from './data-source.js';
