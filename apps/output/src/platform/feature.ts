import type { INestApplicationContext, Type } from '@nestjs/common';
import type { MigrationInterface } from 'typeorm';
import type { Projection } from '@agentry/event-store';
import type { OutputConfig } from '../config.js';

/** A slice of the output service: its Nest module, the tables it owns and the projections filling them. */
export interface OutputFeature {
  name: string;
  /** Absent for a slice with tables but no handlers (retention). */
  module?: Type<unknown>;
  migrations: (new () => MigrationInterface)[];
  projections: Projection[];
  /** Runs once the service answers requests and projections run (e.g. start consuming a stream). */
  onStart?: (app: INestApplicationContext, config: OutputConfig) => Promise<void>;
}
