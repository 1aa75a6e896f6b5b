import 'reflect-metadata';
import { runService } from '@agentry/config';
import { loadSchedulerConfig } from './config.js';
import { startScheduler } from './scheduler-app.js';

runService('scheduler', () => startScheduler(loadSchedulerConfig()));
