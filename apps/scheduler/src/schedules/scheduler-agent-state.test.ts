import { asStored } from './scheduler-agent-state.js';

const roundTrip = (value: unknown): unknown => (value === undefined ? null : JSON.parse(JSON.stringify(value)));

describe('asStored: the value a jsonb round trip gives, without the text', () => {
  const samples: [string, unknown][] = [
    ['a rate spec', { kind: 'rate', rateMinutes: 5, anchor: 1_772_323_200_000 }],
    ['undefined fields and items', { kind: 'daily', times: ['09:00', undefined], timezone: undefined }],
    ['non-finite and negative-zero numbers', { at: Number.NaN, to: Number.POSITIVE_INFINITY, from: -0, list: [Number.NEGATIVE_INFINITY, -0] }],
    ['nested arrays and objects', { a: [[1, [2, { b: null }]], { c: { d: [] } }], e: {} }],
    ['functions and symbols', { f: () => 1, s: Symbol('s'), list: [() => 1] }],
    ['a Date and a toJSON object', { at: new Date(Date.UTC(2026, 0, 2)), custom: { toJSON: () => ({ replaced: true }) } }],
    ['text of every kind', { t: 'quote " backslash \\ ünï 🙂 \u2028 \u0000', empty: '' }],
    ['a bare string', 'repeatedly'],
    ['null', null],
    ['undefined', undefined],
  ];
  it.each(samples)('%s', (_name, value) => {
    expect(asStored(value)).toStrictEqual(roundTrip(value));
    expect(JSON.stringify(asStored(value))).toBe(JSON.stringify(roundTrip(value)));
  });

  it('is a copy: changing it leaves the event data as it was', () => {
    const data = { times: ['09:00'] };
    const stored = asStored(data);
    stored.times.push('10:00');
    expect(data.times).toEqual(['09:00']);
  });
});
