import { Inject, Injectable, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { subscribe, type SubscribeOptions, type Subscription } from '../subscribe.js';

export const LIFECYCLE_SUBSCRIBER_OPTIONS = Symbol('LIFECYCLE_SUBSCRIBER_OPTIONS');

/** Subscribes when the application has booted and stops (handlers in flight finish) when it shuts down. */
@Injectable()
export class LifecycleSubscriber implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription: Subscription | undefined;

  constructor(@Inject(LIFECYCLE_SUBSCRIBER_OPTIONS) private readonly options: SubscribeOptions) {}

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = await subscribe(this.options);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = undefined;
  }
}

export interface LifecycleSubscriberModuleOptions {
  imports?: DynamicModule['imports'];
  inject?: unknown[];
  /** Builds the subscribe() options from the app's providers (config, repositories the handler writes to). */
  useFactory: (...deps: never[]) => SubscribeOptions | Promise<SubscribeOptions>;
}

/**
 * `LifecycleSubscriberModule.register({ inject: [ResultsRepository], useFactory: (repo) => ({ natsUrl, durable,
 * types: ['container.ended'], handler: (e) => repo.save(e) }) })`: one durable subscription per registration.
 */
@Module({})
export class LifecycleSubscriberModule {
  static register(options: LifecycleSubscriberModuleOptions): DynamicModule {
    return {
      module: LifecycleSubscriberModule,
      imports: options.imports ?? [],
      providers: [
        {
          provide: LIFECYCLE_SUBSCRIBER_OPTIONS,
          useFactory: options.useFactory as (...deps: unknown[]) => SubscribeOptions,
          inject: (options.inject ?? []) as never[],
        },
        LifecycleSubscriber,
      ],
      exports: [LifecycleSubscriber],
    };
  }
}
