import type { INestApplicationContext, Type } from '@nestjs/common';
import type { MigrationInterface } from 'typeorm';
import { startStep, type WorkerPart } from './boot-service.js';
import { defineService, type ServiceSchema, type ServiceSchemaSpec, type ServiceProjections } from './service-schema.js';

/**
 * A vertical slice of a service (the registry's agents, scripts, accounts; the output's console,
 * history, retention): its Nest module, the tables it owns, the read models filling them, and an
 * optional start hook. A service made of slices lists them once, in dependency order.
 */
export interface ServiceFeature<C> {
  name: string;
  /** Absent for a slice with tables but no handlers (the output's retention). */
  module?: Type<unknown>;
  entities?: ServiceSchemaSpec['entities'];
  migrations: (new () => MigrationInterface)[];
  projections: ServiceProjections;
  /** Runs once projections run, before the service answers (bootstrap the first org, start consuming a stream). */
  onStart?: (app: INestApplicationContext, config: C) => Promise<void>;
}

/** The schema of a service made of slices: their tables, entities and read models, in slice order. */
export function defineFeatureService<C>(name: string, features: readonly ServiceFeature<C>[]): ServiceSchema {
  return defineService({
    name,
    entities: features.flatMap((f) => f.entities ?? []),
    migrations: features.flatMap((f) => f.migrations),
    projections: () => features.flatMap((f) => f.projections),
  });
}

/** The slices' Nest modules, to import into the service's root module. */
export const featureModules = <C>(features: readonly ServiceFeature<C>[]): Type<unknown>[] => features.flatMap((f) => (f.module ? [f.module] : []));

/** The slices' start hooks as boot steps, in slice order. */
export function featureStartHooks<C>(features: readonly ServiceFeature<C>[], app: INestApplicationContext, config: C): WorkerPart[] {
  return features.flatMap((f) => {
    const onStart = f.onStart;
    return onStart ? [startStep(`${f.name} start hook`, () => onStart(app, config))] : [];
  });
}
