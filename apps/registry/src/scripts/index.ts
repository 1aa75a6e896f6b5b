import type { RegistryFeature } from '../platform/feature.js';
import { ScriptRow } from './read-model/script.entity.js';
import { ScriptsReadModel1732600000200 } from './read-model/scripts-read-model.migration.js';
import { ScriptBranchesReadModel1765100000300 } from './read-model/script-branches.migration.js';
import { scriptBranchesProjection } from './read-model/script-branches.projection.js';
import { scriptsProjection } from './read-model/scripts.projection.js';
import { ScriptsModule } from './scripts.module.js';

export { ScriptsModule } from './scripts.module.js';
export { ScriptsLookup } from './read-model/scripts.lookup.js';

export const scriptsFeature: RegistryFeature = {
  name: 'scripts',
  module: ScriptsModule,
  entities: [ScriptRow],
  migrations: [ScriptsReadModel1732600000200, ScriptBranchesReadModel1765100000300],
  projections: [scriptsProjection, scriptBranchesProjection],
};
