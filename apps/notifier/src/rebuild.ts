import { runRebuildCommand } from '@agentry/service-kit';
import { notifierService } from './notifier-app.js';

/**
 * `npm run rebuild-notifier-read-models`: rebuilds the notifier's read models (each agent's
 * notification settings, each org's users) from the event log beside the live tables and switches to them,
 * while replicas keep delivering from the live rows. The delivery outbox is not a read model and stays.
 */
runRebuildCommand(notifierService);
