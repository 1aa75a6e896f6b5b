import { HEADER_SCAN_CHARS, scriptFlags, scriptHeaderLines, scriptHeaderList, scriptHeaderValues } from './header.js';

test('the three quoting forms: single quotes, double quotes (with or without ;), a line comment', () => {
  const text = [
    `'phantombuster command: nodejs'`,
    `'phantombuster dependencies: lib-A.js, lib-B.js'`,
    `"phantom image: web-node:v1";`,
    `  // phantombuster flags: save-folder other`,
    `"phantombuster package: 5"\r`,
  ].join('\n');
  expect(scriptHeaderLines(text)).toEqual([
    { key: 'phantombuster command', value: 'nodejs' },
    { key: 'phantombuster dependencies', value: 'lib-A.js, lib-B.js' },
    { key: 'phantom image', value: 'web-node:v1' },
    { key: 'phantombuster flags', value: 'save-folder other' },
    { key: 'phantombuster package', value: '5' },
  ]);
  expect(scriptHeaderValues(text, 'phantom image')).toEqual(['web-node:v1']);
  expect(scriptHeaderList(text, 'phantombuster dependencies')).toEqual(['lib-A.js', 'lib-B.js']);
  expect([...scriptFlags(text)]).toEqual(['save-folder', 'other']);
});

test('lists: several lines add up, in order, without repeats or empty items; flags split on commas and spaces', () => {
  const text = `'phantombuster dependencies: lib-A.js,,lib-B.js'\n// phantombuster dependencies: lib-C.js, lib-A.js\n`;
  expect(scriptHeaderList(text, 'phantombuster dependencies')).toEqual(['lib-A.js', 'lib-B.js', 'lib-C.js']);
  expect([...scriptFlags(`'phantombuster flags: save-folder, other'\n"phantombuster flags: save-folder";`)]).toEqual(['save-folder', 'other']);
});

test('hostile or stray text is no header: only whole lines, matching quotes, within the first 64 Ki characters', () => {
  for (const notAHeader of [
    `const s = "x 'phantombuster flags: save-folder'";`,
    `foo(); // phantombuster flags: save-folder`,
    `'phantombuster flags: save-folder"`,
    `'phantombuster flags: save-folder' + evil()`,
    `/* phantombuster flags: save-folder */`,
    `'PHANTOMBUSTER FLAGS: save-folder'`,
  ]) {
    expect(scriptHeaderLines(`${notAHeader}\n`)).toEqual([]);
  }
  expect(scriptHeaderLines(`${'\n'.repeat(HEADER_SCAN_CHARS)}'phantombuster flags: save-folder'\n`)).toEqual([]);
  // A header just inside the scanned part counts (the control of the case above).
  expect([...scriptFlags(`${'\n'.repeat(HEADER_SCAN_CHARS - 40)}'phantombuster flags: save-folder'\n`)]).toEqual(['save-folder']);
});
