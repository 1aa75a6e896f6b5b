import type { Actor, RequestEnvelope, RpcParams, RpcResult, RpcSubject } from '@agentry/contracts';
import type { RpcClient } from '@agentry/messaging';

/**
 * The gateway's only way to reach domain services: NATS request/reply with the caller as actor.
 * Params and result types come from the subject's entry in `RpcContract`.
 */
export class RegistryClient {
  constructor(private readonly rpc: RpcClient) {}

  call<S extends RpcSubject>(subject: S, actor: Actor, params: RpcParams<S>, requestId?: string): Promise<RpcResult<S>> {
    return this.rpc.request(subject, { actor, params, requestId });
  }

  /** Unauthenticated calls (key verification) carry no actor. */
  callAnonymous<S extends RpcSubject>(subject: S, params: RpcParams<S>): Promise<RpcResult<S>> {
    return this.rpc.request(subject, { params } as RequestEnvelope<RpcParams<S>>);
  }
}
