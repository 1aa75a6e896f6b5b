import type { RegistryFeature } from '../platform/feature.js';
import { AgentsModule } from './agents.module.js';
import { AgentsReadModel1732600000100 } from './read-model/agents-read-model.migration.js';
import { agentsProjection } from './read-model/agents.projection.js';
import { agentsEntities } from './read-model/entities.js';
import { agentInstancesProjection } from './read-model/instances.projection.js';

export const agentsFeature: RegistryFeature = {
  name: 'agents',
  module: AgentsModule,
  entities: agentsEntities,
  migrations: [AgentsReadModel1732600000100],
  projections: [agentsProjection, agentInstancesProjection],
};
