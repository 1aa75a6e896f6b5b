import type { OutputFeature } from '../platform/feature.js';
import { OutputRetention1764100000300 } from './retention.migration.js';

export { archiveOutput } from './archive-output.js';

/** The archive job's bookkeeping; the job itself is a command (`archive.ts`), not part of the service. */
export const retentionFeature: OutputFeature = {
  name: 'retention',
  migrations: [OutputRetention1764100000300],
  projections: [],
};
