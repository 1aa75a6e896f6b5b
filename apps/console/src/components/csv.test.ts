import { columnsOf, isTable, toCsv } from './csv';

test('a cell a spreadsheet would run as a formula is prefixed with a quote; quotes, commas and newlines are escaped', () => {
  // A result object holds what a script scraped: a page can put a formula in it.
  const rows = [
    { name: '=HYPERLINK("http://example.invalid","x")', note: 'a, "b"\nc' },
    { name: '+1', note: '@SUM(A1)' },
    { name: '-2', note: 'plain' },
  ];
  expect(toCsv(columnsOf(rows), rows)).toBe('name,note\r\n"\'=HYPERLINK(""http://example.invalid"",""x"")","a, ""b""\nc"\r\n\'+1,\'@SUM(A1)\r\n\'-2,plain\r\n');
});

test('columns are every key in order of first appearance; nested values are written as JSON', () => {
  const rows = [{ a: 1 }, { b: { c: [1, 2] }, a: null }];
  expect(columnsOf(rows)).toEqual(['a', 'b']);
  expect(toCsv(columnsOf(rows), rows)).toBe('a,b\r\n1,\r\n,"{""c"":[1,2]}"\r\n');
});

test('only a non-empty array of plain objects is shown as a table', () => {
  expect(isTable([{ a: 1 }])).toBe(true);
  for (const value of [[], [1], [{ a: 1 }, [2]], { a: 1 }, null, 'x']) expect(isTable(value)).toBe(false);
});
