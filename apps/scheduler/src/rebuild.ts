import { runRebuildCommand } from '@agentry/service-kit';
import { schedulerService } from './scheduler-app.js';

/**
 * `npm run rebuild-scheduler-read-models`: rebuilds `scheduler_agents` from the event log (agent events and
 * the scheduler's own ScheduleFired records) beside the live table and switches to it. Safe while replicas
 * run: they read and fire from the live rows until the switch.
 */
runRebuildCommand(schedulerService);
