// Placeholder written by the lead so the registry builds; the scripts feature replaces it.
import { Module } from '@nestjs/common';
import type { RegistryFeature } from '../platform/feature.js';

@Module({})
class ScriptsModule {}

export const scriptsFeature: RegistryFeature = { name: 'scripts', module: ScriptsModule, entities: [], migrations: [], projections: [] };
