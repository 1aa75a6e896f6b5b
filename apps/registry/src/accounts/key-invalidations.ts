import { Injectable } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { DomainError, ErrorCode, KEY_INVALIDATIONS_SUBJECT, type KeyInvalidation } from '@agentry/contracts';

/**
 * Tells every gateway replica to drop verified keys from its cache (KEY_INVALIDATIONS_SUBJECT).
 * It publishes on the connection the registry answers on (Nest's transport, attached at start), and
 * NATS routes one connection's messages in order: every gateway has the invalidation routed to it
 * before the answer of the revoke that caused it reaches the caller.
 */
@Injectable()
export class KeyInvalidations {
  private connection: (() => NatsConnection) | undefined;

  /** The answering connection (it exists only once the microservice listens, hence a getter). */
  attach(connection: () => NatsConnection): void {
    this.connection = connection;
  }

  publish(invalidation: Partial<KeyInvalidation>): void {
    if (!this.connection) throw new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'Key revocation cannot reach the gateways yet: retry');
    const message: KeyInvalidation = { keyIds: invalidation.keyIds ?? [], orgIds: invalidation.orgIds ?? [] };
    this.connection().publish(KEY_INVALIDATIONS_SUBJECT, JSON.stringify(message));
  }
}
