import { ABSENT, FieldReader } from './field-reader.js';
import { expandPreset, parseRepeatedLaunchTimes, REPEATED_LAUNCH_PRESETS } from './repeated-launch.js';

const parse = (value: Record<string, unknown>) => {
  const r = new FieldReader({});
  return { out: parseRepeatedLaunchTimes(r, value), errors: r.errors };
};

describe('repeatedLaunchTimes', () => {
  it('normalises: sorted unique lists, empty day/dow/month mean every, UTC default', () => {
    const { out } = parse({ minute: [30, 0, 30], hour: [9], dow: ['MON', 'fri'] });
    expect(out).toEqual({
      minute: [0, 30],
      hour: [9],
      day: Array.from({ length: 31 }, (_, i) => i + 1),
      dow: ['mon', 'fri'],
      month: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
      timezone: 'UTC',
      simplePreset: null,
      isSimplePresetEnabled: false,
    });
  });

  it.each([
    [{ hour: [9] }, 'repeatedLaunchTimes.minute'],
    [{ minute: [60], hour: [9] }, 'repeatedLaunchTimes.minute'],
    [{ minute: [0], hour: [24] }, 'repeatedLaunchTimes.hour'],
    [{ minute: [0], hour: [9], day: [0] }, 'repeatedLaunchTimes.day'],
    [{ minute: [0], hour: [9], dow: ['monday'] }, 'repeatedLaunchTimes.dow'],
    [{ minute: [0], hour: [9], month: ['june'] }, 'repeatedLaunchTimes.month'],
    [{ minute: [0], hour: [9], timezone: 'Nowhere/Land' }, 'repeatedLaunchTimes.timezone'],
    [{ minute: [0], hour: [9], simplePreset: 'Every minute' }, 'repeatedLaunchTimes.simplePreset'],
    [{ minute: [0], hour: [9], isSimplePresetEnabled: 'yes' }, 'repeatedLaunchTimes.isSimplePresetEnabled'],
    [{ minute: [0], hour: [9], second: [0] }, 'repeatedLaunchTimes.second'],
  ])('refuses %j naming %s', (value, field) => {
    const { out, errors } = parse(value);
    expect(out).toBe(ABSENT);
    expect(errors.map((e) => e.field)).toContain(field);
  });
});

describe('repeatedLaunchPreset', () => {
  it('lists every v2 preset family', () => {
    expect(REPEATED_LAUNCH_PRESETS).toEqual(
      expect.arrayContaining([
        'Once per day',
        'Once per day at the start of the day',
        'Twice per day',
        'Thrice per day',
        '4 times per day',
        '6 times per day',
        '8 times per day',
        'Once every other day',
        'Once per hour',
        'Twice per hour',
        'Thrice per hour',
        '4 times per hour',
        'Once every other hour',
        'Twice per working hour',
        '4 times per working hour, excluding weekends',
        'Once every other working hour',
        'Once every other working hour, excluding weekends',
      ]),
    );
  });

  it('expands into launch times', () => {
    expect(expandPreset('Thrice per hour', 'UTC')).toMatchObject({ minute: [0, 20, 40], hour: expect.arrayContaining([0, 23]) });
    expect(expandPreset('8 times per day', 'Europe/Paris')).toMatchObject({
      minute: [0],
      hour: [0, 3, 6, 9, 12, 15, 18, 21],
      timezone: 'Europe/Paris',
      simplePreset: '8 times per day',
      isSimplePresetEnabled: true,
    });
    expect(expandPreset('Twice per working hour, excluding weekends', 'UTC')).toMatchObject({
      minute: [0, 30],
      hour: [9, 10, 11, 12, 13, 14, 15, 16, 17],
      dow: ['mon', 'tue', 'wed', 'thu', 'fri'],
    });
    expect(expandPreset('Once every other day', 'UTC').day).toEqual([1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31]);
  });
});
