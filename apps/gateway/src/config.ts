import { loadConfig, logLevel, port, requiredUrl, withDefault, type LogLevel, type Setting } from '@agentry/config';

export interface GatewayConfig {
  natsUrl: string;
  port: number;
  host: string;
  /** Largest request body accepted; larger ones answer 413. */
  bodyLimitBytes: number;
  logLevel: LogLevel;
}

const bytes = (fallback: number): Setting<number> => ({
  read(raw, name) {
    if (raw === undefined) return { value: fallback };
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1024) return { problem: `${name} must be a whole number of bytes ≥ 1024, got "${raw}"` };
    return { value: n };
  },
});

export function loadGatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  const c = loadConfig(
    {
      NATS_URL: requiredUrl(['nats'], 'nats://127.0.0.1:4222'),
      PORT: port(3000),
      HOST: withDefault('127.0.0.1'),
      BODY_LIMIT_BYTES: bytes(5 * 1024 * 1024),
      LOG_LEVEL: logLevel(),
    },
    env,
  );
  return { natsUrl: c.NATS_URL, port: c.PORT, host: c.HOST, bodyLimitBytes: c.BODY_LIMIT_BYTES, logLevel: c.LOG_LEVEL };
}
