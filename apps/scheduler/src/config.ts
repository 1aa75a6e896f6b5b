import { boundedInteger, ConfigError, loadConfig, type LogLevel } from '@agentry/config';
import { serviceConfig, serviceSettings, type ObservabilityConfig } from '@agentry/service-kit';

export interface SchedulerConfig {
  databaseUrl: string;
  natsUrl: string;
  /** NATS_STREAM_REPLICAS: copies of each JetStream stream / KV bucket this service creates (default 1; 3 on a three-node cluster). */
  natsStreamReplicas?: number;
  logLevel: LogLevel;
  /** LOG_FORMAT, HEALTH_PORT, HEALTH_HOST (defaults when absent: auto format, no health server). */
  observability?: ObservabilityConfig;
  /** Fires spread deterministically over ±this around their planned time (the agents API's flexible window); 0 = exact. */
  flexWindowMs: number;
  /** A fire found later than this after its planned time was missed (downtime): the agent's missed-run policy applies. */
  missedGraceMs: number;
  /** How often the active firer looks for due agents. */
  tickMs: number;
  /** Delay of an after-agent launch whose agent sets no `masterAgentLaunchAfter`: spread over [min, max] seconds. */
  afterAgentDelay: { minSeconds: number; maxSeconds: number };
}

const milliseconds = (fallback: number, min: number, max: number) => boundedInteger(fallback, min, max, 'of ms');
const seconds = (fallback: number) => boundedInteger(fallback, 0, 24 * 3600, 'of seconds');

const HOUR_MS = 3_600_000;

export function loadSchedulerConfig(env: Record<string, string | undefined> = process.env): SchedulerConfig {
  const c = loadConfig(
    {
      ...serviceSettings(),
      SCHEDULER_FLEX_WINDOW_MS: milliseconds(0, 0, HOUR_MS),
      SCHEDULER_MISSED_GRACE_MS: milliseconds(60_000, 1000, 24 * HOUR_MS),
      SCHEDULER_TICK_MS: milliseconds(25, 10, 60_000),
      // The v2 API: "the platform chooses a value between 10 and 15 minutes randomly".
      SCHEDULER_AFTER_AGENT_DELAY_MIN_S: seconds(600),
      SCHEDULER_AFTER_AGENT_DELAY_MAX_S: seconds(900),
    },
    env,
  );
  if (c.SCHEDULER_AFTER_AGENT_DELAY_MIN_S > c.SCHEDULER_AFTER_AGENT_DELAY_MAX_S) {
    throw new ConfigError(['SCHEDULER_AFTER_AGENT_DELAY_MIN_S must not exceed SCHEDULER_AFTER_AGENT_DELAY_MAX_S']);
  }
  return {
    ...serviceConfig(c),
    flexWindowMs: c.SCHEDULER_FLEX_WINDOW_MS,
    missedGraceMs: c.SCHEDULER_MISSED_GRACE_MS,
    tickMs: c.SCHEDULER_TICK_MS,
    afterAgentDelay: { minSeconds: c.SCHEDULER_AFTER_AGENT_DELAY_MIN_S, maxSeconds: c.SCHEDULER_AFTER_AGENT_DELAY_MAX_S },
  };
}
