import { Logger, type INestApplicationContext } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { DataSource } from 'typeorm';
import { migrate, ProjectionRunner } from '@agentry/event-store';
import type { LogLevel } from '@agentry/config';
import type { ObservabilityConfig } from '../observability/observability-config.js';
import type { LoopProgress } from '../observability/health-checks.js';
import type { ServiceLogger } from '../observability/service-logger.js';
import { installObservability, projectionErrorLogger, startServiceHealth } from '../observability/service-observability.js';
import { ShutdownStack } from '../shutdown-stack.js';
import type { EnsureStream, MessagingPort, RelayHandle } from './messaging-port.js';
import type { ServiceSchema } from './service-schema.js';

/** The settings the builder itself reads from a service's config. */
export interface BootConfig {
  natsUrl: string;
  /** Required when the schema declares migrations. */
  databaseUrl?: string;
  natsStreamReplicas?: number;
  logLevel: LogLevel;
  observability?: ObservabilityConfig;
}

/** A Nest app the builder can close; its type stays the service's own (microservice, Fastify app…). */
export type ServiceApp = INestApplicationContext;

/** What the builder opened so far, handed to the parts declared after it. */
export interface BootContext<C extends BootConfig = BootConfig> {
  readonly config: C;
  readonly messaging: MessagingPort;
  /** The service's name, and `instance` its replica's (NATS connection names). */
  readonly name: string;
  readonly instance: string;
  readonly logger: ServiceLogger;
  /** The migrated data source (throws when the schema declares no migrations). */
  readonly dataSource: DataSource;
  /** The read models' runner, started once the Nest app is initialised (throws without a database). */
  readonly projections: ProjectionRunner;
  /** The service's own connection, streams ensured (throws when the plan declares no `nats`). */
  readonly nc: NatsConnection;
  /** The outbox relay, when the plan asks for one. */
  readonly relay: RelayHandle | undefined;
  /** Closes `stop` on shutdown, before what was opened earlier: for a resource a part acquires itself. */
  onClose(name: string, stop: () => Promise<unknown>): void;
}

/** A long-running companion: started in the declared order once projections run, stopped in reverse. */
export interface WorkerPart {
  name: string;
  /** Starts it and answers how to stop it. */
  start(): Promise<{ stop(): Promise<unknown> }>;
}

/** A worker from an object with `start()`/`stop()` (the executor's listeners, a consumer). */
export function workerOf(name: string, target: { start(): unknown; stop(): unknown }): WorkerPart {
  return {
    name,
    async start() {
      await target.start();
      return { stop: async () => target.stop() };
    },
  };
}

/** A one-off step at the same point of the boot (e.g. bootstrap the first org before the service answers): nothing to stop. */
export function startStep(name: string, run: () => Promise<void>): WorkerPart {
  return {
    name,
    async start() {
      await run();
      return { stop: async () => undefined };
    },
  };
}

/** How the service's Nest app is made; `natsMicroservice()` makes the common one. */
export interface NestPart<A extends ServiceApp, C extends BootConfig = BootConfig> {
  /** Creates and initialises the app (its providers exist) without answering yet. */
  create(ctx: BootContext<C>): Promise<A>;
  /** Starts answering: subscribes to its subjects, or listens on its port. Runs after every worker started. */
  listen(app: A): Promise<void>;
  /** The app's own NATS connection (Nest's transport), checked by /readyz as `nats`. */
  transport?(app: A): NatsConnection;
}

export interface BootPlan<C extends BootConfig, A extends ServiceApp> {
  messaging: MessagingPort;
  /** The replica's name on NATS (default: the service's name). */
  instance?: string;
  /** Checks run right after logging is installed, before anything is opened (folders, sandbox). */
  preflight?(ctx: Pick<BootContext<C>, 'config' | 'logger'>): Promise<void>;
  /** An own NATS connection, and the streams/buckets it makes sure of. */
  nats?: { streams?: EnsureStream[] };
  /** Starts the outbox relay (events table → EVENTS) beside the read models. */
  relay?: boolean;
  nest?: NestPart<A, C>;
  /** Started in this order after projections and relay, before the app answers; stopped in reverse. */
  workers?(ctx: BootContext<C>, app: A): WorkerPart[];
  /** Loops whose progress /livez and /readyz watch. */
  loops?(ctx: BootContext<C>, app: A): LoopProgress[];
  /** The line logged once the service is ready (default `<name> ready`). */
  ready?(ctx: BootContext<C>, app: A): string | Promise<string>;
}

/**
 * A booted service: what it opened (the same getters as the boot context: a part it did not declare
 * throws), and `close()`, which stops it all once, however often it is called.
 */
export interface RunningService<A> extends Pick<BootContext, 'dataSource' | 'projections' | 'nc'> {
  app: A;
  close(): Promise<void>;
}

const titleCase = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);
const absent = (name: string, part: string): never => {
  throw new Error(`${name} declares no ${part}`);
};

/**
 * Boots a service in the one order every service shares: logging and traces → preflight →
 * database + migrations → own NATS connection + streams → projection runner → Nest app (created,
 * not answering) → projections started → outbox relay → workers in order → the app answers →
 * health server → ready line. Each resource is pushed on a ShutdownStack as it is acquired, so a
 * boot failing at any step closes what the steps before it opened, and `close()` stops everything
 * in reverse.
 */
export async function bootService<C extends BootConfig, A extends ServiceApp>(
  schema: ServiceSchema,
  config: C,
  plan: BootPlan<C, A> & { nest: NestPart<A, C> },
): Promise<RunningService<A>>;
export async function bootService<C extends BootConfig>(schema: ServiceSchema, config: C, plan: BootPlan<C, never>): Promise<RunningService<undefined>>;
export async function bootService<C extends BootConfig, A extends ServiceApp>(
  schema: ServiceSchema,
  config: C,
  plan: BootPlan<C, A>,
): Promise<RunningService<A | undefined>> {
  const { name } = schema;
  const stack = new ShutdownStack();
  const { logger, flushTraces } = installObservability(name, config.logLevel, config.observability);
  stack.push(flushTraces, 'traces');
  return stack.boot(async () => {
    await plan.preflight?.({ config, logger });
    const opened: { dataSource?: DataSource; projections?: ProjectionRunner; nc?: NatsConnection; relay?: RelayHandle } = {};
    const ctx: BootContext<C> = {
      config,
      messaging: plan.messaging,
      name,
      instance: plan.instance ?? name,
      logger,
      get dataSource() {
        return opened.dataSource ?? absent(name, 'database');
      },
      get projections() {
        return opened.projections ?? absent(name, 'database (no projections)');
      },
      get nc() {
        return opened.nc ?? absent(name, 'own NATS connection');
      },
      get relay() {
        return opened.relay;
      },
      onClose: (what, stop) => stack.push(stop, what),
    };

    if (schema.hasDatabase) {
      const dataSource = schema.dataSource(config.databaseUrl ?? absent(name, 'databaseUrl in its config'));
      await dataSource.initialize();
      stack.push(() => dataSource.destroy(), 'database');
      opened.dataSource = dataSource;
      await migrate(dataSource);
    }
    const placement = { replicas: config.natsStreamReplicas };
    if (plan.nats) {
      const nc = await plan.messaging.connectNats(config.natsUrl, ctx.instance);
      stack.push(async () => (nc.isClosed() ? undefined : nc.drain()), 'NATS connection');
      opened.nc = nc;
      for (const ensure of plan.nats.streams ?? []) await ensure(nc, placement);
    }
    if (opened.dataSource) {
      const projections = new ProjectionRunner(opened.dataSource, schema.projections(), { onError: projectionErrorLogger() });
      stack.push(() => projections.stop(), 'projections');
      opened.projections = projections;
    }

    const app = plan.nest ? await plan.nest.create(ctx) : undefined;
    // Closing the app runs its modules' destroy hooks: after the workers, before the connections they use.
    if (app) stack.push(() => app.close(), 'Nest app');
    await opened.projections?.start();
    if (plan.relay) {
      const relay = await plan.messaging.startEventRelay(ctx.dataSource, config.natsUrl, { onError: projectionErrorLogger(), streams: placement });
      stack.push(() => relay.stop(), 'event relay');
      opened.relay = relay;
    }
    // `app` is undefined exactly when the plan has no Nest part; the plan's callbacks are typed for that case (A = never).
    const appOf = app as A;
    for (const worker of plan.workers?.(ctx, appOf) ?? []) {
      const started = await worker.start();
      stack.push(() => started.stop(), worker.name);
    }
    if (app && plan.nest) await plan.nest.listen(app);

    const transport = app && plan.nest?.transport?.(app);
    const health = await startServiceHealth(config.observability, {
      nats: {
        ...(transport ? { nats: transport } : {}),
        ...(opened.nc ? { [transport ? 'nats:work' : 'nats']: opened.nc } : {}),
        ...(opened.relay ? { 'nats:relay': opened.relay.nc } : {}),
      },
      dataSource: opened.dataSource,
      projections: { ...(opened.projections ? { projections: opened.projections } : {}), ...(opened.relay ? { relay: opened.relay.runner } : {}) },
      loops: plan.loops?.(ctx, appOf),
    });
    if (health) stack.push(() => health.close(), 'health server');

    new Logger(titleCase(name)).log((await plan.ready?.(ctx, appOf)) ?? `${name} ready`);
    let closing: Promise<void> | undefined;
    return {
      app,
      get dataSource() {
        return ctx.dataSource;
      },
      get projections() {
        return ctx.projections;
      },
      get nc() {
        return ctx.nc;
      },
      close: () => (closing ??= stack.unwind()),
    };
  });
}
