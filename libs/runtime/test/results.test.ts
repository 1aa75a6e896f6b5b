import { createRequire } from 'node:module';

const { toCsv } = createRequire(import.meta.url)('../script/results.cjs') as { toCsv(rows: object[]): string };

test('CSV: every key met is a column in the order met; separators, quotes and line breaks are quoted', () => {
  expect(toCsv([{ name: 'a, b', price: 1 }, { name: 'say "hi"', note: 'x\ny' }, { price: null }])).toBe(
    'name,price,note\r\n"a, b",1,\r\n"say ""hi""",,"x\ny"\r\n,,\r\n',
  );
  expect(toCsv([])).toBe('\r\n');
});
