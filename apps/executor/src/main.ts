import { runService } from '@agentry/config';
import { loadExecutorConfig } from './config.js';
import { startExecutor } from './executor-app.js';

runService('executor', () => startExecutor(loadExecutorConfig()));
