import type { OutputFeature } from '../platform/feature.js';
import { HistoryModule } from './history.module.js';
import { containersProjection } from './read-model/containers.projection.js';
import { directoryProjection } from './read-model/directory.projection.js';
import { OutputHistoryReadModel1764100000200 } from './read-model/history-read-model.migration.js';
import { OutputLaunchMetadata1765100000100 } from './read-model/launch-metadata.migration.js';
import { OutputResultFiles1765200000100 } from './read-model/result-files.migration.js';

export const historyFeature: OutputFeature = {
  name: 'history',
  module: HistoryModule,
  migrations: [OutputHistoryReadModel1764100000200, OutputLaunchMetadata1765100000100, OutputResultFiles1765200000100],
  projections: [directoryProjection, containersProjection],
};
