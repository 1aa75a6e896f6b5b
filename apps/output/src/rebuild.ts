import { runRebuildCommand } from '@agentry/service-kit';
import { outputService } from './output-app.js';

/**
 * `npm run rebuild-output-read-models`: rebuilds the container history and directory read models from the event
 * log beside the live tables and switches to them (archived containers stay out), while the service serves.
 * Console bytes are not projected and stay as they are.
 */
runRebuildCommand(outputService);
