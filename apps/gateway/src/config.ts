import { isIP } from 'node:net';
import { boundedInteger, ConfigError, loadConfig, logLevel, natsUrl, optionalInteger, port, withDefault, type LogLevel, type Setting } from '@agentry/config';
import { observabilityConfig, observabilitySettings, type ObservabilityConfig } from '@agentry/service-kit';

export interface GatewayConfig {
  natsUrl: string;
  port: number;
  host: string;
  /**
   * Largest request body accepted; larger ones answer 413. Unset: the NATS server's max_payload,
   * since a body must reach a service over the bus. Set above max_payload, start-up refuses.
   */
  bodyLimitBytes?: number;
  logLevel: LogLevel;
  /** LOG_FORMAT, and HEALTH_PORT / HEALTH_HOST of the /metrics (+ /livez, /readyz) port (defaults when absent: auto, none). */
  observability?: ObservabilityConfig;
  /** Edge protections (rate limits, slow-request timeouts, proxies); defaults in `edgeDefaults`. */
  edge?: Partial<EdgeConfig>;
}

export interface EdgeConfig {
  /** Failed key checks an address may make per `authFailureWindowSeconds` before it gets 429. */
  authFailureLimit: number;
  authFailureWindowSeconds: number;
  /** Requests per key per `keyRateWindowSeconds`; 0 turns the per-key limit off. */
  keyRateLimit: number;
  keyRateWindowSeconds: number;
  /** Whose X-Forwarded-For to believe: false (nobody), a hop count, or addresses / CIDRs. */
  trustProxy: boolean | number | string[];
  /** Time a client has to send all request headers. */
  headersTimeoutMs: number;
  /** Time a client has to send the whole request (headers and body). */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open. */
  keepAliveTimeoutMs: number;
  /** Verified API keys kept by this replica (revokes are pushed to it); 0 verifies every request with the registry. */
  keyCacheMaxEntries: number;
  /** Backstop: a verified key is asked again after this long even if no revoke was heard. */
  keyCacheTtlMs: number;
  /** Agent reads (`agents.fetch`) kept by this replica, dropped by the relayed events; 0 asks the registry every time. */
  agentCacheMaxEntries: number;
  /** Backstop: a cached agent read is asked again after this long even if no event was heard. */
  agentCacheTtlMs: number;
  /** After an agent's event, its reads are not stored for this long: the registry's read model may not have caught up with the relay. */
  agentCacheSettleMs: number;
  /** Live-output streams (attach, streaming launches) one org may have open on this replica at once; one more answers 429. 0: no limit. */
  liveFollowersPerOrg: number;
  /** How long a streaming client may leave what was sent unread before its connection is cut. */
  streamStalledClientMs: number;
}

export const edgeDefaults: EdgeConfig = {
  authFailureLimit: 20,
  authFailureWindowSeconds: 60,
  keyRateLimit: 1200,
  keyRateWindowSeconds: 60,
  trustProxy: false,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  keyCacheMaxEntries: 10_000,
  keyCacheTtlMs: 30_000,
  agentCacheMaxEntries: 10_000,
  agentCacheTtlMs: 30_000,
  agentCacheSettleMs: 1_000,
  liveFollowersPerOrg: 1_000,
  streamStalledClientMs: 30_000,
};

/** `false` (default), `true`, a hop count, or a comma-separated list of addresses / CIDRs of the proxies in front. */
const trustProxy = (): Setting<EdgeConfig['trustProxy']> => ({
  read(raw, name) {
    if (raw === undefined || raw === 'false') return { value: false };
    if (raw === 'true') return { value: true };
    if (/^\d+$/.test(raw)) return { value: Number(raw) };
    const entries = raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const bad = entries.filter((e) => {
      const [address, bits, extra] = e.split('/');
      return extra !== undefined || !isIP(address ?? '') || (bits !== undefined && !/^\d{1,3}$/.test(bits));
    });
    if (!entries.length || bad.length) {
      return { problem: `${name} must be false, true, a hop count or proxy addresses / CIDRs separated by commas (e.g. 10.0.0.0/8), got "${raw}"` };
    }
    return { value: entries };
  },
});

export function loadGatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  const c = loadConfig(
    {
      NATS_URL: natsUrl(),
      PORT: port(3000),
      HOST: withDefault('127.0.0.1'),
      BODY_LIMIT_BYTES: optionalInteger(1024, undefined, 'of bytes', "for the NATS server's max_payload"),
      LOG_LEVEL: logLevel(),
      ...observabilitySettings(),
      AUTH_FAILURE_LIMIT: boundedInteger(edgeDefaults.authFailureLimit, 1),
      AUTH_FAILURE_WINDOW_SECONDS: boundedInteger(edgeDefaults.authFailureWindowSeconds, 1),
      KEY_RATE_LIMIT: boundedInteger(edgeDefaults.keyRateLimit, 0),
      KEY_RATE_WINDOW_SECONDS: boundedInteger(edgeDefaults.keyRateWindowSeconds, 1),
      TRUST_PROXY: trustProxy(),
      HEADERS_TIMEOUT_MS: boundedInteger(edgeDefaults.headersTimeoutMs, 100),
      REQUEST_TIMEOUT_MS: boundedInteger(edgeDefaults.requestTimeoutMs, 100),
      KEEP_ALIVE_TIMEOUT_MS: boundedInteger(edgeDefaults.keepAliveTimeoutMs, 100),
      KEY_CACHE_MAX_ENTRIES: boundedInteger(edgeDefaults.keyCacheMaxEntries, 0, 1_000_000),
      KEY_CACHE_TTL_MS: boundedInteger(edgeDefaults.keyCacheTtlMs, 100, 3_600_000),
      AGENT_CACHE_MAX_ENTRIES: boundedInteger(edgeDefaults.agentCacheMaxEntries, 0, 1_000_000),
      AGENT_CACHE_TTL_MS: boundedInteger(edgeDefaults.agentCacheTtlMs, 100, 3_600_000),
      AGENT_CACHE_SETTLE_MS: boundedInteger(edgeDefaults.agentCacheSettleMs, 0, 60_000),
      LIVE_FOLLOWERS_PER_ORG: boundedInteger(edgeDefaults.liveFollowersPerOrg, 0),
      STREAM_STALLED_CLIENT_MS: boundedInteger(edgeDefaults.streamStalledClientMs, 100, 3_600_000),
    },
    env,
  );
  if (c.HEADERS_TIMEOUT_MS > c.REQUEST_TIMEOUT_MS) {
    throw new ConfigError([
      `HEADERS_TIMEOUT_MS (${c.HEADERS_TIMEOUT_MS}) must not exceed REQUEST_TIMEOUT_MS (${c.REQUEST_TIMEOUT_MS}): the headers are part of the request`,
    ]);
  }
  return {
    natsUrl: c.NATS_URL,
    port: c.PORT,
    host: c.HOST,
    bodyLimitBytes: c.BODY_LIMIT_BYTES,
    logLevel: c.LOG_LEVEL,
    observability: observabilityConfig(c),
    edge: {
      authFailureLimit: c.AUTH_FAILURE_LIMIT,
      authFailureWindowSeconds: c.AUTH_FAILURE_WINDOW_SECONDS,
      keyRateLimit: c.KEY_RATE_LIMIT,
      keyRateWindowSeconds: c.KEY_RATE_WINDOW_SECONDS,
      trustProxy: c.TRUST_PROXY,
      headersTimeoutMs: c.HEADERS_TIMEOUT_MS,
      requestTimeoutMs: c.REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: c.KEEP_ALIVE_TIMEOUT_MS,
      keyCacheMaxEntries: c.KEY_CACHE_MAX_ENTRIES,
      keyCacheTtlMs: c.KEY_CACHE_TTL_MS,
      agentCacheMaxEntries: c.AGENT_CACHE_MAX_ENTRIES,
      agentCacheTtlMs: c.AGENT_CACHE_TTL_MS,
      agentCacheSettleMs: c.AGENT_CACHE_SETTLE_MS,
      liveFollowersPerOrg: c.LIVE_FOLLOWERS_PER_ORG,
      streamStalledClientMs: c.STREAM_STALLED_CLIENT_MS,
    },
  };
}
