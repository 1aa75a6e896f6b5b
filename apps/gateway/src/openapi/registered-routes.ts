import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';

export interface RegisteredRoute {
  method: string;
  path: string;
}

/**
 * The routes Fastify actually registered, heard through its `onRoute` hook. Nest registers the
 * controllers' routes when the app initialises, after every provider is constructed, so the hook
 * added here hears all of them (and any route a plugin adds later). The OpenAPI test compares this
 * list with the route catalog: a route served but undocumented, or documented but not served, fails.
 */
@Injectable()
export class RegisteredRoutes {
  private readonly heard: RegisteredRoute[] = [];

  constructor(adapterHost: HttpAdapterHost) {
    const fastify = adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) this.heard.push({ method, path: route.url });
    });
  }

  list(): RegisteredRoute[] {
    return [...this.heard];
  }
}
