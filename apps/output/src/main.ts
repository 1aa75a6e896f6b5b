import { loadOutputConfig } from './config.js';
import { startOutput } from './output-app.js';
import { runMain } from './platform/run-main.js';

runMain('output', async () => {
  const starting = startOutput(loadOutputConfig());
  // Registered before start-up finishes, so a signal arriving meanwhile still closes cleanly.
  const stop = () => {
    starting
      .then((output) => output.close())
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  await starting;
});
