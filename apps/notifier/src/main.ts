import 'reflect-metadata';
import { runService } from '@agentry/config';
import { loadNotifierConfig } from './config.js';
import { startNotifier } from './notifier-app.js';

runService('notifier', () => startNotifier(loadNotifierConfig()));
