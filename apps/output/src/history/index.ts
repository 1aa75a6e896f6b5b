import type { OutputFeature } from '../platform/feature.js';
import { HistoryModule } from './history.module.js';
import { containersProjection } from './read-model/containers.projection.js';
import { directoryProjection } from './read-model/directory.projection.js';
import { OutputHistoryReadModel1764100000200 } from './read-model/history-read-model.migration.js';

export const historyFeature: OutputFeature = {
  name: 'history',
  module: HistoryModule,
  migrations: [OutputHistoryReadModel1764100000200],
  projections: [directoryProjection, containersProjection],
};
