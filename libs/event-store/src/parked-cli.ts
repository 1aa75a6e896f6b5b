import { databaseUrl, loadConfig, runMain } from '@agentry/config';
import { createDataSource } from './data-source.js';
import { migrate } from './migrate.js';
import { eventStoreMigrations } from './migrations/index.js';
import { parkedCommand } from './parking/parked-command.js';
import { ParkedEvents } from './parking/parked-events.js';

/** `npm run parked -- list|replay <id>|drop <id>` (DATABASE_URL: the platform's database). */
runMain('parked', async () => {
  const config = loadConfig({ DATABASE_URL: databaseUrl() });
  const dataSource = createDataSource({ url: config.DATABASE_URL, migrations: eventStoreMigrations, name: 'parked-events' });
  await dataSource.initialize();
  try {
    await migrate(dataSource);
    process.exitCode = await parkedCommand(process.argv.slice(2), new ParkedEvents(dataSource), (text) => console.log(text));
  } finally {
    await dataSource.destroy();
  }
});
