import { DomainError } from '@agentry/contracts';
import { effectiveArgument, parseLaunchRequest } from './launch-request.js';

function fieldsOf(call: () => unknown): string[] {
  try {
    call();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).code).toBe('VALIDATION_FAILED');
    return ((e as DomainError).fields ?? []).map((f) => `${f.field}: ${f.message}`);
  }
  throw new Error('expected VALIDATION_FAILED');
}

test('defaults: manual launch of the saved argument, no key, no limits', () => {
  expect(parseLaunchRequest({ agentId: 7, launchType: undefined as never })).toEqual({
    agentId: 7,
    launchType: 'manual',
    argument: undefined,
    bonusArgument: undefined,
    saveArgument: false,
    idempotencyKey: null,
    maxInstanceCount: null,
    notBefore: null,
    userCustomMetadata: null,
    internalMetadata: null,
  });
});

test('launch metadata: flat objects (or their JSON text) kept as given; anything else is refused naming the field or key', () => {
  const r = parseLaunchRequest({
    agentId: 7,
    launchType: 'user api call',
    userCustomMetadata: { campaign: 'spring', n: 2, ok: true, none: null },
    internalMetadata: '{"source":"ui"}',
  });
  expect(r).toMatchObject({ userCustomMetadata: { campaign: 'spring', n: 2, ok: true, none: null }, internalMetadata: { source: 'ui' } });
  const tooMany = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, i]));
  expect(fieldsOf(() => parseLaunchRequest({ agentId: 7, launchType: 'manual', userCustomMetadata: [1, 2], internalMetadata: 'nope' }))).toEqual([
    'userCustomMetadata: must be a JSON object of flat key-value pairs, e.g. {"campaign": "spring"}',
    'internalMetadata: must be JSON (an object, or its JSON text)',
  ]);
  expect(fieldsOf(() => parseLaunchRequest({ agentId: 7, launchType: 'manual', userCustomMetadata: tooMany }))).toEqual([
    'userCustomMetadata: must have at most 100 keys',
  ]);
  expect(
    fieldsOf(() =>
      parseLaunchRequest({ agentId: 7, launchType: 'manual', userCustomMetadata: { deep: { a: 1 } }, internalMetadata: { long: 'x'.repeat(2001) } }),
    ),
  ).toEqual([
    'userCustomMetadata.deep: must be a string, number, boolean or null (metadata values are flat)',
    'internalMetadata.long: must be at most 2000 characters long',
  ]);
  expect(fieldsOf(() => parseLaunchRequest({ agentId: 7, launchType: 'manual', userCustomMetadata: { ['k'.repeat(101)]: 1 } }))).toEqual([
    'userCustomMetadata: keys must be 1 to 100 characters long',
  ]);
});

test('arguments come as values or JSON text; ids and counts as digits', () => {
  const r = parseLaunchRequest({
    agentId: '7' as never,
    launchType: 'user api call',
    argument: '{"a":1}',
    bonusArgument: { b: 2 },
    maxInstanceCount: '2' as never,
    command: 'node',
  });
  expect(r).toMatchObject({ agentId: 7, launchType: 'user api call', argument: { a: 1 }, bonusArgument: { b: 2 }, maxInstanceCount: 2 });
});

test('casperjs and phantomjs are refused by name; every bad field is reported', () => {
  expect(fieldsOf(() => parseLaunchRequest({ agentId: 7, launchType: 'manual', command: 'casperjs' }))).toEqual([
    'command: casperjs is not supported: only node runs',
  ]);
  expect(fieldsOf(() => parseLaunchRequest({ agentId: 7, launchType: 'manual', command: 'phantomjs' }))).toEqual([
    'command: phantomjs is not supported: only node runs',
  ]);
  const fields = fieldsOf(() =>
    parseLaunchRequest({
      agentId: 0,
      launchType: 'retry',
      argument: '{nope',
      bonusArgument: '[1]',
      idempotencyKey: '',
      maxInstanceCount: 0,
      notBefore: 12,
      command: 'python',
    }),
  );
  expect(fields.map((f) => f.split(':')[0])).toEqual([
    'agentId',
    'command',
    'launchType',
    'argument',
    'bonusArgument',
    'idempotencyKey',
    'maxInstanceCount',
    'notBefore',
  ]);
});

test('the effective argument: launch argument, else the saved one, with the bonus merged over it', () => {
  expect(effectiveArgument(undefined, null, undefined)).toBe('{}');
  expect(effectiveArgument(undefined, { saved: 1 }, undefined)).toBe('{"saved":1}');
  expect(effectiveArgument(undefined, '{"text":1}', undefined)).toBe('{"text":1}');
  expect(effectiveArgument({ a: 1, b: 1 }, { saved: 1 }, { b: 2 })).toBe('{"a":1,"b":2}');
  expect(effectiveArgument([1, 2], null, undefined)).toBe('[1,2]');
  expect(fieldsOf(() => effectiveArgument([1], null, { b: 2 }))).toEqual(['bonusArgument: can only be merged into an object argument']);
  expect(fieldsOf(() => effectiveArgument({ big: 'x'.repeat(300 * 1024) }, null, undefined))[0]).toMatch(/^argument: must be at most/);
});
