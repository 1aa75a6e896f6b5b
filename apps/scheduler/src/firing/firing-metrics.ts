import { Counter, Histogram, metrics } from '@agentry/service-kit';

const fires = new Counter({
  name: 'agentry_schedule_fires_total',
  help: 'Schedule fires recorded, by outcome (launched, refused, skipped)',
  labelNames: ['outcome'] as const,
  registers: [metrics],
});

const fireLag = new Histogram({
  name: 'agentry_schedule_fire_lag_seconds',
  help: 'How late a launched fire was: from its planned time (jitter included) to the firer tick that launched it',
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60],
  registers: [metrics],
});

/** A fire this replica recorded (after the fence: a fire settled by another firer is not counted here). */
export function countFire(outcome: string, plannedAt: number, launchedAt: number): void {
  fires.inc({ outcome });
  if (outcome === 'launched') fireLag.observe(Math.max(0, launchedAt - plannedAt) / 1000);
}
