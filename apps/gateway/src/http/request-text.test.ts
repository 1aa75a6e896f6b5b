import { decodeComponent, decodePairs, HAS_NUL, jsonProblems, LONE_SURROGATE, nestsDeeperThan, NOT_UTF8, urlProblems } from './request-text.js';

describe('decodeComponent: percent-decoding as strict UTF-8', () => {
  test.each([
    ['plain', 'abc', 'abc'],
    ['two-byte UTF-8', '%C3%A9', 'é'],
    ['four-byte UTF-8', '%F0%9F%98%80', '😀'],
    ['a malformed escape stays literal', '100%', '100%'],
    ['a malformed escape with letters stays literal', '%G1', '%G1'],
  ])('%s', (_label, raw, text) => {
    expect(decodeComponent(raw)).toEqual({ text });
  });

  test.each([
    ['NUL', '%00', HAS_NUL],
    ['NUL in the middle', 'a%00b', HAS_NUL],
    ['a lone 0xFF byte', '%FF', NOT_UTF8],
    ['an overlong "."', '%C0%AE', NOT_UTF8],
    ['an overlong "/"', '%E0%80%AF', NOT_UTF8],
    ['a truncated sequence', '%E2%82', NOT_UTF8],
    ['an encoded surrogate (CESU)', '%ED%A0%80', NOT_UTF8],
  ])('refuses %s', (_label, raw, problem) => {
    expect(decodeComponent(raw)).toEqual({ problem });
  });

  test('+ is a space only in form encoding', () => {
    expect(decodeComponent('a+b', true)).toEqual({ text: 'a b' });
    expect(decodeComponent('a+b')).toEqual({ text: 'a+b' });
  });
});

test('decodePairs names the field whose value is bad, and keeps the good ones', () => {
  expect(decodePairs('id=1&name=a%00b&x=%FF&ok=%C3%A9', true)).toEqual({
    pairs: [
      ['id', '1'],
      ['ok', 'é'],
    ],
    problems: [
      { field: 'name', message: HAS_NUL },
      { field: 'x', message: NOT_UTF8 },
    ],
  });
});

test('a bad parameter name is reported printable (NUL shown as \\0)', () => {
  expect(decodePairs('a%00b=1', true).problems).toEqual([{ field: 'a\\0b', message: `name ${HAS_NUL}` }]);
});

test('urlProblems checks each path segment and the query string', () => {
  expect(urlProblems('/api/v1/script/a%00b.js')).toEqual([{ field: 'path', message: HAS_NUL }]);
  expect(urlProblems('/api/v2/agents/fetch?id=1%00')).toEqual([{ field: 'id', message: HAS_NUL }]);
  expect(urlProblems('/api/v2/agents/fetch?id=12&x=%C3%A9')).toEqual([]);
});

test('jsonProblems walks nested values and keys, naming the dotted path', () => {
  expect(jsonProblems({ name: 'ok', argument: { list: ['fine', 'b\u0000d'] }, note: '\ud800' })).toEqual([
    { field: 'argument.list.1', message: HAS_NUL },
    { field: 'note', message: LONE_SURROGATE },
  ]);
  expect(jsonProblems({ 'k\u0000': 1 })).toEqual([{ field: '?', message: `name ${HAS_NUL}` }]);
  expect(jsonProblems({ pair: '😀' })).toEqual([]);
});

test('nestsDeeperThan counts brackets outside strings only', () => {
  expect(nestsDeeperThan('[[[]]]', 3)).toBe(false);
  expect(nestsDeeperThan('[[[[]]]]', 3)).toBe(true);
  expect(nestsDeeperThan('{"a":"[[[[[[","b":"\\"[[[[["}', 1)).toBe(false);
  expect(nestsDeeperThan('[{"a":[1]}]', 2)).toBe(true);
});
