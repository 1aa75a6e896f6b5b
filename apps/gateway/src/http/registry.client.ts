import type { Actor } from '@agentry/contracts';
import type { RpcClient } from '@agentry/messaging';

/** The gateway's only way to reach domain services: NATS request/reply with the caller as actor. */
export class RegistryClient {
  constructor(private readonly rpc: RpcClient) {}

  call<R, P = unknown>(subject: string, actor: Actor, params: P, requestId?: string): Promise<R> {
    return this.rpc.request<P, R>(subject, { actor, params, requestId });
  }

  /** Unauthenticated calls (key verification) carry no actor. */
  callAnonymous<R, P = unknown>(subject: string, params: P): Promise<R> {
    return this.rpc.request<P, R>(subject, { params } as never);
  }
}
