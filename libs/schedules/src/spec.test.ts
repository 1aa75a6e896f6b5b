import { LaunchType, type AgentSchedule, type AgentSettings } from '@agentry/contracts';
import { scheduleSpecOf } from './spec.js';
import { repeated } from './test-helpers.js';

const ANCHOR = Date.parse('2026-01-01T00:00Z');
const TIMES = repeated({ minute: [0], hour: [9] });

/** Only the settings a schedule depends on; the rest do not matter here. */
function settings(patch: Partial<AgentSettings>): AgentSettings {
  return { launchType: LaunchType.manually, launchOnceAt: null, repeatedLaunchTimes: null, schedule: null, ...patch } as AgentSettings;
}

describe('scheduleSpecOf', () => {
  it('is null for agents launched by hand or after another agent', () => {
    expect(scheduleSpecOf(settings({ repeatedLaunchTimes: TIMES }), ANCHOR)).toBeNull();
    expect(scheduleSpecOf(settings({ launchType: LaunchType.afterAgent, launchAfterAgentId: 3 }), ANCHOR)).toBeNull();
    const daily: AgentSchedule = { kind: 'daily', mode: 'SCHEDULED', times: ['09:00'], tasksPerDay: 1 };
    expect(scheduleSpecOf(settings({ schedule: daily }), ANCHOR)).toBeNull();
  });

  it('reads the v2 API launch settings', () => {
    expect(scheduleSpecOf(settings({ launchType: LaunchType.repeatedly, repeatedLaunchTimes: TIMES }), ANCHOR)).toEqual({ kind: 'repeated', times: TIMES });
    expect(scheduleSpecOf(settings({ launchType: LaunchType.once, launchOnceAt: 1_800_000_000_000 }), ANCHOR)).toEqual({ kind: 'once', at: 1_800_000_000_000 });
  });

  it.each<[string, AgentSchedule, unknown]>([
    ['manual', { kind: 'manual', mode: 'SCHEDULED', times: [] }, null],
    [
      'daily',
      { kind: 'daily', mode: 'SCHEDULED', times: ['09:00', '17:00'], tasksPerDay: 2, timezone: 'Europe/Paris' },
      { kind: 'daily', times: ['09:00', '17:00'], timezone: 'Europe/Paris' },
    ],
    ['rate', { kind: 'rate', mode: 'SCHEDULED', rateMinutes: 120 }, { kind: 'rate', rateMinutes: 120, anchor: ANCHOR }],
    ['cron', { kind: 'cron', mode: 'SCHEDULED', cronExpression: 'cron(0 9 ? * MON *)' }, { kind: 'cron', expression: 'cron(0 9 ? * MON *)' }],
    ['ONCE in UTC', { kind: 'once', mode: 'ONCE', at: '2026-06-15T14:30' }, { kind: 'once', at: Date.parse('2026-06-15T14:30Z') }],
    [
      'ONCE in a time zone',
      { kind: 'once', mode: 'ONCE', at: '2026-06-15T14:30', timezone: 'America/New_York' },
      { kind: 'once', at: Date.parse('2026-06-15T18:30Z') },
    ],
  ])('reads an agents API %s schedule, which wins over the v2 API settings', (_label, schedule, expected) => {
    const launchType = schedule.kind === 'once' ? LaunchType.once : LaunchType.repeatedly;
    expect(scheduleSpecOf(settings({ launchType, schedule, repeatedLaunchTimes: TIMES, launchOnceAt: 1 }), ANCHOR)).toEqual(expected);
  });
});
