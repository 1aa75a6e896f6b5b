// Placeholder written by the lead so the registry builds; the agents feature replaces it.
import { Module } from '@nestjs/common';
import type { RegistryFeature } from '../platform/feature.js';

@Module({})
class AgentsModule {}

export const agentsFeature: RegistryFeature = { name: 'agents', module: AgentsModule, entities: [], migrations: [], projections: [] };
