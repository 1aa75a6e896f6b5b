import { Injectable, SetMetadata, createParamDecorator, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { DomainError, ErrorCode, isRunKey, Subjects, type Actor } from '@agentry/contracts';
import { RegistryClient } from './registry.client.js';
import { mergedParams } from './params.decorator.js';
import { AuthRateLimits } from './auth-rate-limits.js';
import { VerifiedKeyCache } from './auth-key-cache.js';
import { clientAddressOf } from './client-address.js';

const PUBLIC = 'agentry:public';
/** Marks a route that needs no API key (health). */
export const Public = () => SetMetadata(PUBLIC, true);

type AuthenticatedRequest = FastifyRequest & { actor?: Actor };

/** Where classic clients put their key: two header spellings, a bearer token, or the `key` parameter. */
export function extractApiKey(request: FastifyRequest): string | undefined {
  const h = request.headers;
  const header = (name: string) => {
    const v = h[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const bearer = header('authorization')?.match(/^Bearer\s+(.+)$/i)?.[1];
  const param = mergedParams(request)['key'];
  return header('x-phantombuster-key-1') || header('x-phantombuster-key') || bearer?.trim() || (typeof param === 'string' ? param : undefined);
}

/**
 * Every request (but @Public ones) is authenticated: by this replica's cache of verified keys
 * (auth-key-cache.ts; the registry pushes revokes to every replica, which drops them at once), else
 * by the registry. Rate limits (auth-rate-limits.ts) come first, so a blocked address costs the
 * registry nothing and a cached key is no way around them.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly registry: RegistryClient,
    private readonly limits: AuthRateLimits,
    private readonly verifiedKeys: VerifiedKeyCache,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const address = clientAddressOf(request);
    this.limits.refuseBlockedAddress(address);
    const key = extractApiKey(request);
    if (!key) {
      throw new DomainError(ErrorCode.UNAUTHENTICATED, 'Missing API key: send it in the X-Phantombuster-Key-1 header');
    }
    const orgHeader = request.headers['x-phantombuster-org'];
    const org = Array.isArray(orgHeader) ? orgHeader[0] : orgHeader;
    // A run's own key (`buster.apiKey`) is checked by the executor, which knows whether that run is still
    // running; it acts in its run's org only (X-Phantombuster-Org is not honoured) and has its own rate bucket.
    // Run keys are never cached: whether their run still runs is the executor's to say, each time.
    const runKey = isRunKey(key);
    try {
      request.actor = runKey
        ? await this.registry.callAnonymous(Subjects.executor.verifyRunKey, { key })
        : (this.verifiedKeys.lookup(key, org) ?? (await this.verifyWithRegistry(key, org)));
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.UNAUTHENTICATED) this.limits.recordFailure(address);
      throw error;
    }
    this.limits.chargeKey(runKey ? key.split('_')[1]! : request.actor.keyId, runKey);
    return true;
  }

  private async verifyWithRegistry(key: string, org: string | undefined): Promise<Actor> {
    const generation = this.verifiedKeys.generation;
    const actor = await this.registry.callAnonymous(Subjects.auth.verifyKey, { key, org: org || undefined });
    this.verifiedKeys.remember(key, org, actor, generation);
    return actor;
  }
}

export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const actor = ctx.switchToHttp().getRequest<AuthenticatedRequest>().actor;
  if (!actor) throw new DomainError(ErrorCode.UNAUTHENTICATED, 'Missing API key');
  return actor;
});
