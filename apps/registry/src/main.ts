import { runService } from '@agentry/config';
import { loadRegistryConfig } from './config.js';
import { startRegistry } from './registry-app.js';

runService('registry', () => startRegistry(loadRegistryConfig()));
