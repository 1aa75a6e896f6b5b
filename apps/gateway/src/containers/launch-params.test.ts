import type { FastifyRequest } from 'fastify';
import type { DomainError } from '@agentry/contracts';
import { readLastEventId, readV1Launch, readV2Launch } from './launch-params.js';

const request = (headers: Record<string, string> = {}) => ({ headers }) as unknown as FastifyRequest;

const fieldOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return (e as DomainError).fields?.[0]?.field;
  }
  return undefined;
};

describe('v1 launch (the v1 API)', () => {
  test('neither command nor argument: the saved launch options are used', () => {
    expect(readV1Launch(request(), { id: '7', saveLaunchOptions: '1' })).toEqual({
      params: { agentId: 7, launchType: 'user api call' },
      output: 'json',
    });
  });

  test('command and argument go together: one given, the saved options are ignored', () => {
    expect(readV1Launch(request(), { id: '7', command: 'node' }).params).toEqual({ agentId: 7, launchType: 'user api call', argument: {}, command: 'node' });
    expect(readV1Launch(request(), { id: '7', argument: '{"a":1}', saveLaunchOptions: '1' }).params).toEqual({
      agentId: 7,
      launchType: 'user api call',
      argument: '{"a":1}',
      saveArgument: true,
    });
  });

  test('an idempotency key comes from the header first, else the parameter', () => {
    expect(readV1Launch(request({ 'idempotency-key': 'h' }), { id: '7', idempotencyKey: 'p' }).params.idempotencyKey).toBe('h');
    expect(readV1Launch(request(), { id: '7', idempotencyKey: 'p' }).params.idempotencyKey).toBe('p');
  });

  test('bad input names the field', () => {
    expect(fieldOf(() => readV1Launch(request(), { id: 'x' }))).toBe('id');
    expect(fieldOf(() => readV1Launch(request(), { id: '7', output: 'xml' }))).toBe('output');
    expect(fieldOf(() => readV1Launch(request(), { id: '7', command: 'python' }))).toBe('command');
    expect(fieldOf(() => readV1Launch(request(), { id: '7', argument: '{nope' }))).toBe('argument');
    expect(fieldOf(() => readV1Launch(request({ 'idempotency-key': 'k'.repeat(201) }), { id: '7' }))).toBe('Idempotency-Key');
  });
});

describe('v2 launch', () => {
  test('argument or arguments, bonusArgument, saveArgument(s), manualLaunch, maxInstanceCount', () => {
    expect(
      readV2Launch(request(), { id: '3', arguments: { a: 1 }, bonusArgument: '{"b":2}', saveArguments: true, manualLaunch: true, maxInstanceCount: 2 }),
    ).toEqual({ agentId: 3, launchType: 'manual', argument: { a: 1 }, bonusArgument: '{"b":2}', saveArgument: true, maxInstanceCount: 2 });
    expect(readV2Launch(request(), { id: '3' })).toEqual({ agentId: 3, launchType: 'user api call' });
  });

  test('bad input names the field', () => {
    expect(fieldOf(() => readV2Launch(request(), {}))).toBe('id');
    expect(fieldOf(() => readV2Launch(request(), { id: '3', bonusArgument: 'not json' }))).toBe('bonusArgument');
    expect(fieldOf(() => readV2Launch(request(), { id: '3', maxInstanceCount: 0 }))).toBe('maxInstanceCount');
  });

  test('text that is no boolean is still refused, naming the field', () => {
    expect(fieldOf(() => readV2Launch(request(), { id: '3', manualLaunch: 'perhaps' }))).toBe('manualLaunch');
    expect(fieldOf(() => readV2Launch(request(), { id: '3', saveArgument: { a: 1 } }))).toBe('saveArgument');
  });

  test('flags are read liberally, as real clients send them (text, numbers)', () => {
    for (const truthy of [true, 'true', 'TRUE', '1', 1, 2, '2', 'yes', 'on']) {
      expect(readV2Launch(request(), { id: '3', saveArgument: truthy, manualLaunch: truthy })).toMatchObject({ saveArgument: true, launchType: 'manual' });
    }
    for (const falsy of [false, 0, 'false', '0', '', 'no', 'off']) {
      const launch = readV2Launch(request(), { id: '3', saveArgument: falsy, manualLaunch: falsy });
      expect(launch).not.toHaveProperty('saveArgument');
      expect(launch.launchType).toBe('user api call');
    }
  });
});

test('Last-Event-ID is a byte offset', () => {
  expect(readLastEventId(request())).toBeUndefined();
  expect(readLastEventId(request({ 'last-event-id': '1234' }))).toBe(1234);
  expect(fieldOf(() => readLastEventId(request({ 'last-event-id': 'abc' })))).toBe('Last-Event-ID');
});
