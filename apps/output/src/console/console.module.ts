import { Module } from '@nestjs/common';
import { ChunkConsumer } from './chunk-consumer.js';
import { ChunkStore } from './chunk-store.js';
import { OutputReader } from './output-reader.js';

/** Console bytes: stored from stream OUTPUT, read back as text. Import it to inject `OutputReader`. */
@Module({
  providers: [ChunkStore, OutputReader, ChunkConsumer],
  exports: [ChunkStore, OutputReader],
})
export class ConsoleModule {}
