import { runRebuildCommand } from '@agentry/service-kit';
import { registryService } from './registry-app.js';

/**
 * `npm run rebuild-registry-read-models`: rebuilds every registry read model from the whole event log, beside
 * the live tables, and switches to it. Run with the registry stopped or running: it keeps serving meanwhile.
 */
runRebuildCommand(registryService);
