export { scheduleSpecOf, localDateTimeToInstant, type ScheduleSpec } from './spec.js';
export { nextFireTime, nextFireTimes } from './next-fire.js';
export { jitterMs } from './jitter.js';
export { parseEventBridgeCron, CRON_HINT, type ParsedCron, type DayOfMonthItem, type DayOfWeekItem } from './cron.js';
export { toInstant, toLocal, offsetAt, type LocalDateTime } from './time-zone.js';
