import { oneOf, type Setting } from '@agentry/config';
import type { LogFormatSetting } from './service-logger.js';

export interface ObservabilityConfig {
  /** LOG_FORMAT: json, pretty, or auto (pretty on a terminal, JSON otherwise). */
  logFormat: LogFormatSetting;
  /** HEALTH_PORT: where /livez and /readyz answer; undefined = no health server. */
  healthPort?: number;
  /** HEALTH_HOST: 127.0.0.1 by default; the container image sets 0.0.0.0 so the kubelet can probe. */
  healthHost: string;
}

const optionalPort: Setting<number | undefined> = {
  read(raw, name) {
    if (raw === undefined) return { value: undefined };
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < 0 || n > 65535) return { problem: `${name} must be a port number 0-65535 (or unset for no health server), got "${raw}"` };
    return { value: n };
  },
};

const host: Setting<string> = {
  read(raw, name) {
    if (raw === undefined) return { value: '127.0.0.1' };
    if (!/^[A-Za-z0-9.:-]{1,253}$/.test(raw)) return { problem: `${name} must be an address to bind, e.g. 127.0.0.1 or 0.0.0.0, got "${raw}"` };
    return { value: raw };
  },
};

/** The settings every service reads for its logs (LOG_FORMAT) beside its own LOG_LEVEL. */
export const logFormatSettings = () => ({ LOG_FORMAT: oneOf(['auto', 'json', 'pretty'] as const, 'auto') });

/** LOG_FORMAT plus the health server's port and address, for services without an HTTP port of their own. */
export const observabilitySettings = () => ({ ...logFormatSettings(), HEALTH_PORT: optionalPort, HEALTH_HOST: host });

export function observabilityConfig(c: { LOG_FORMAT: LogFormatSetting; HEALTH_PORT?: number; HEALTH_HOST?: string }): ObservabilityConfig {
  return { logFormat: c.LOG_FORMAT, healthPort: c.HEALTH_PORT, healthHost: c.HEALTH_HOST ?? '127.0.0.1' };
}
