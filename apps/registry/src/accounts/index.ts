// Placeholder written by the lead so the registry builds; the accounts feature replaces it.
import { Module } from '@nestjs/common';
import type { RegistryFeature } from '../platform/feature.js';

@Module({})
class AccountsModule {}

export const accountsFeature: RegistryFeature = { name: 'accounts', module: AccountsModule, entities: [], migrations: [], projections: [] };
