import { connect, type NatsConnection } from '@nats-io/transport-node';

/**
 * Connects to `natsUrl`, taking the login from the URL (`nats://user:password@host:4222`). The inbox prefix
 * is `_INBOX.<user>`: a subscriber login may only read its own inbox (libs/contracts lifecycleSubscriberPermissions).
 */
export async function connectSubscriber(natsUrl: string, name = 'agentry-subscriber'): Promise<NatsConnection> {
  const url = new URL(natsUrl);
  const user = url.username ? decodeURIComponent(url.username) : undefined;
  const pass = url.password ? decodeURIComponent(url.password) : undefined;
  const server = `${url.protocol}//${url.host}`;
  return connect({
    servers: server,
    name,
    ...(user ? { user, pass, inboxPrefix: /^[A-Za-z0-9_-]+$/.test(user) ? `_INBOX.${user}` : undefined } : {}),
    maxReconnectAttempts: -1,
  });
}
