import type { OutputFeature } from '../platform/feature.js';
import { ChunkConsumer } from './chunk-consumer.js';
import { ConsoleModule } from './console.module.js';
import { ConsoleOutput1764100000100 } from './console-output.migration.js';

export { ConsoleModule } from './console.module.js';
export { ChunkStore } from './chunk-store.js';
export { OutputReader, type OutputSource } from './output-reader.js';

export const consoleFeature: OutputFeature = {
  name: 'console',
  module: ConsoleModule,
  migrations: [ConsoleOutput1764100000100],
  projections: [],
  onStart: (app) => app.get(ChunkConsumer).start(),
};
