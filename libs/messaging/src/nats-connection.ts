import { connect, type ConnectionOptions, type NatsConnection } from '@nats-io/transport-node';
import { natsInboxPrefix } from '@agentry/contracts';

/**
 * NATS_URL may carry credentials (`nats://user:password@host:4222`); the client takes them as
 * options, not in the server address, so they are split off here for every connection a
 * service opens (its own and Nest's transport). Replies come back on the user's own inbox
 * (`_INBOX.<user>.…`), the only inbox its NATS permissions let it read (libs/contracts
 * nats-permissions), so no other service can read them.
 */
export function natsConnectionOptions(url: string): Pick<ConnectionOptions, 'servers' | 'user' | 'pass' | 'inboxPrefix'> {
  const parsed = new URL(url);
  if (!parsed.username) return { servers: url };
  const user = decodeURIComponent(parsed.username);
  const pass = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  return { servers: parsed.toString().replace(/\/$/, ''), user, pass, inboxPrefix: natsInboxPrefix(user) };
}

/** A long-lived service connection: reconnects forever, named for the server's monitoring. */
export function connectNats(url: string, name: string): Promise<NatsConnection> {
  return connect({ ...natsConnectionOptions(url), name, maxReconnectAttempts: -1 });
}
