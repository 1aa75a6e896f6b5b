import { connect, type ConnectionOptions, type NatsConnection } from '@nats-io/transport-node';
import { natsInboxPrefix } from '@agentry/contracts';

/**
 * NATS_URL may carry credentials (`nats://user:password@host:4222`); the client takes them as
 * options, not in the server address, so they are split off here for every connection a
 * service opens (its own and Nest's transport). Several servers (a cluster) are separated by
 * commas; the client connects to any of them and fails over to the others (libs/config `natsUrl`
 * checks they share one login). Replies come back on the user's own inbox
 * (`_INBOX.<user>.…`), the only inbox its NATS permissions let it read (libs/contracts
 * nats-permissions), so no other service can read them.
 */
export function natsConnectionOptions(url: string): Pick<ConnectionOptions, 'servers' | 'user' | 'pass' | 'inboxPrefix'> {
  const entries = url.split(',').map((entry) => new URL(entry.trim()));
  const servers = entries.map((parsed) => {
    const bare = new URL(parsed.toString());
    bare.username = '';
    bare.password = '';
    return bare.toString().replace(/\/$/, '');
  });
  const withLogin = entries.find((parsed) => parsed.username);
  const address = servers.length === 1 ? servers[0]! : servers;
  if (!withLogin) return { servers: entries.length === 1 ? url : address };
  const user = decodeURIComponent(withLogin.username);
  const pass = decodeURIComponent(withLogin.password);
  return { servers: address, user, pass, inboxPrefix: natsInboxPrefix(user) };
}

/**
 * A long-lived service connection: reconnects forever, named for the server's monitoring. Without async
 * traces: by default the client builds an Error (a stack capture) for every request in case it fails, which
 * was ~3% of the executor's CPU at saturation (JetStream publishes, KV heartbeats, RPCs; bench/launch/cpu-budget.mjs
 * profile); a failed request still says what failed, and our callers map it to a domain error anyway.
 */
export function connectNats(url: string, name: string): Promise<NatsConnection> {
  return connect({ ...natsConnectionOptions(url), name, maxReconnectAttempts: -1, noAsyncTraces: true });
}
