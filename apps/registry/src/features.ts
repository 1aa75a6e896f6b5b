import type { RegistryFeature } from './platform/feature.js';
import { accountsFeature } from './accounts/index.js';
import { scriptsFeature } from './scripts/index.js';
import { agentsFeature } from './agents/index.js';

/** Every slice of the registry, in dependency order (agents look up scripts and accounts). */
export const registryFeatures: RegistryFeature[] = [accountsFeature, scriptsFeature, agentsFeature];
