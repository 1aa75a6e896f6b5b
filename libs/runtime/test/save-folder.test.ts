import { createRequire } from 'node:module';

// The header a script asks for save-folder with (what the flag does: apps/executor/src/process/save-folder.test.ts).
const { scriptFlags } = createRequire(import.meta.url)('../script/save-folder.cjs') as { scriptFlags(text: string): Set<string> };

test('the flags header: string or comment lines, several flags, whole lines only', () => {
  expect([...scriptFlags(`'phantombuster flags: save-folder'\n`)]).toEqual(['save-folder']);
  expect([...scriptFlags(`"phantombuster command: nodejs";\n// phantombuster flags: save-folder, other\n`)]).toEqual(['save-folder', 'other']);
  expect([...scriptFlags(`const s = "x 'phantombuster flags: save-folder'";\n`)]).toEqual([]);
  expect([...scriptFlags(`${'\n'.repeat(70 * 1024)}'phantombuster flags: save-folder'\n`)]).toEqual([]);
});
