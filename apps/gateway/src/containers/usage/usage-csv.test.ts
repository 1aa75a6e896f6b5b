import { csvField } from './usage-csv.js';

test('CSV fields: quotes, commas and line breaks are quoted; formulas are defused', () => {
  expect(csvField('plain')).toBe('plain');
  expect(csvField(12)).toBe('12');
  expect(csvField(-3)).toBe('-3');
  expect(csvField(null)).toBe('');
  expect(csvField('a,b')).toBe('"a,b"');
  expect(csvField('say "hi"\nnow')).toBe('"say ""hi""\nnow"');
  // A hostile agent name must not run as a formula in the spreadsheet that opens the export.
  expect(csvField('=HYPERLINK("http://evil.example","x")')).toBe(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
  expect(csvField('+1')).toBe(`'+1`);
  expect(csvField('@SUM(A1)')).toBe(`'@SUM(A1)`);
  expect(csvField('-2+3')).toBe(`'-2+3`);
});
