import { oneOf, optionalPort, type Setting } from '@agentry/config';
import type { LogFormatSetting } from './service-logger.js';

export interface ObservabilityConfig {
  /** LOG_FORMAT: json, pretty, or auto (pretty on a terminal, JSON otherwise). */
  logFormat: LogFormatSetting;
  /** HEALTH_PORT: where /livez and /readyz answer; undefined = no health server. */
  healthPort?: number;
  /** HEALTH_HOST: 127.0.0.1 by default; the container image sets 0.0.0.0 so the kubelet can probe. */
  healthHost: string;
  /** OTEL_EXPORTER_OTLP_ENDPOINT: where spans are sent (OTLP/HTTP JSON, `<endpoint>/v1/traces`); undefined = not exported. */
  otlpEndpoint?: string;
}

const host: Setting<string> = {
  read(raw, name) {
    if (raw === undefined) return { value: '127.0.0.1' };
    if (!/^[A-Za-z0-9.:-]{1,253}$/.test(raw)) return { problem: `${name} must be an address to bind, e.g. 127.0.0.1 or 0.0.0.0, got "${raw}"` };
    return { value: raw };
  },
};

/** The settings every service reads for its logs (LOG_FORMAT) beside its own LOG_LEVEL. */
export const logFormatSettings = () => ({ LOG_FORMAT: oneOf(['auto', 'json', 'pretty'] as const, 'auto') });

const otlpEndpoint: Setting<string | undefined> = {
  read(raw, name) {
    if (raw === undefined) return { value: undefined };
    try {
      const url = new URL(raw);
      if (url.protocol === 'http:' || url.protocol === 'https:') return { value: raw };
    } catch {
      // reported below
    }
    return { problem: `${name} must be the http(s) URL of an OTLP/HTTP collector, e.g. http://otel-collector:4318 (or unset: no trace export), got "${raw}"` };
  },
};

/** LOG_FORMAT, the health server's port and address, and the trace exporter's endpoint. */
export const observabilitySettings = () => ({
  ...logFormatSettings(),
  HEALTH_PORT: optionalPort('for no health server'),
  HEALTH_HOST: host,
  OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint,
});

export function observabilityConfig(c: {
  LOG_FORMAT: LogFormatSetting;
  HEALTH_PORT?: number;
  HEALTH_HOST?: string;
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
}): ObservabilityConfig {
  return {
    logFormat: c.LOG_FORMAT,
    healthPort: c.HEALTH_PORT,
    healthHost: c.HEALTH_HOST ?? '127.0.0.1',
    ...(c.OTEL_EXPORTER_OTLP_ENDPOINT ? { otlpEndpoint: c.OTEL_EXPORTER_OTLP_ENDPOINT } : {}),
  };
}
