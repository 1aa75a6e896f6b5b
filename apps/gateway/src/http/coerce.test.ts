import { DomainError } from '@agentry/contracts';
import { readBool, readFlag, readId, readInt, readList, readString } from './coerce.js';

const fieldOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return (e as DomainError).fields?.[0]?.field;
  }
  return undefined;
};

test('numbers arrive as JSON numbers or digit strings; anything else names the field', () => {
  expect(readInt({ n: '42' }, 'n')).toBe(42);
  expect(readInt({ n: 42 }, 'n')).toBe(42);
  expect(fieldOf(() => readInt({ n: '4x' }, 'n'))).toBe('n');
  expect(fieldOf(() => readInt({ n: 1.5 }, 'n'))).toBe('n');
  expect(fieldOf(() => readInt({ n: 0 }, 'n', { min: 1 }))).toBe('n');
  expect(fieldOf(() => readId({}, 'id'))).toBe('id');
});

test('the v1 API flags are true when present and not empty', () => {
  expect(readFlag({ withScript: '1' }, 'withScript')).toBe(true);
  expect(readFlag({ withScript: 'yes' }, 'withScript')).toBe(true);
  expect(readFlag({ withScript: '' }, 'withScript')).toBe(false);
  expect(readFlag({}, 'withScript')).toBe(false);
  expect(readBool({ b: 'true' }, 'b')).toBe(true);
  expect(fieldOf(() => readBool({ b: 'maybe' }, 'b'))).toBe('b');
});

test('strings and lists', () => {
  expect(readString({ s: 'x' }, 's')).toBe('x');
  expect(fieldOf(() => readString({ s: { a: 1 } }, 's'))).toBe('s');
  expect(fieldOf(() => readString({ s: 'abc' }, 's', { maxLength: 2 }))).toBe('s');
  expect(readList({ ids: '1,2, 3' }, 'ids')).toEqual(['1', '2', '3']);
  expect(readList({ ids: '["1","2"]' }, 'ids')).toEqual(['1', '2']);
  expect(readList({ ids: [1, 2] }, 'ids')).toEqual(['1', '2']);
});
