import { runRebuildCommand } from '@agentry/service-kit';
import { executorService } from './executor-app.js';

/**
 * `npm run rebuild-executor-read-models`: rebuilds `executor_containers` (container phases, abort requests)
 * from the event log beside the live table and switches to it. Safe while executors run: the reaper and
 * aborts read the live rows until the switch.
 */
runRebuildCommand(executorService);
