import { runService } from '@agentry/config';
import { loadOutputConfig } from './config.js';
import { startOutput } from './output-app.js';

runService('output', () => startOutput(loadOutputConfig()));
