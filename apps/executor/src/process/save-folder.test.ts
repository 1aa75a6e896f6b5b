import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bubblewrapUsable, runScript, scratch, type TestIsolation } from './run-script.test-kit.js';

// libs/runtime/script/save-folder.cjs: `'phantombuster flags: save-folder'` copies what the script left in
// its run folder into the agent's storage folder when its process ends (the header is read by libs/contracts/src/scripts/header.ts and handed over as config.scriptFlags).

/** Writes a file and a folder in its run folder, plants a link to a secret, then ends the way asked. */
const leavesFiles = (header: string, ending: string) => `${header}
const fs = require('fs');
fs.writeFileSync('result.csv', 'a,b\\n1,2\\n');
fs.mkdirSync('shots');
fs.writeFileSync('shots/page.png', 'png');
fs.symlinkSync('/etc/shadow', 'stolen');
fs.symlinkSync('/etc/passwd', 'shots/also-stolen');
${ending}
`;

/** Every entry under `dir`: relative path → content, or `link` for a symbolic link. */
function entries(dir: string, prefix = ''): Record<string, string> {
  const found: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) found[prefix + name] = 'link';
    else if (stat.isDirectory()) Object.assign(found, entries(path, `${prefix}${name}/`));
    else found[prefix + name] = readFileSync(path, 'utf8');
  }
  return found;
}

describe.each(['none', 'bubblewrap'] as TestIsolation[])('save-folder (%s)', (isolation) => {
  const maybe = isolation === 'bubblewrap' && !bubblewrapUsable ? test.skip : test;

  maybe.each([
    ['its work done', ''],
    ['process.exit(3)', 'process.exit(3); console.log("never")'],
    ['an uncaught error', 'throw new Error("boom")'],
  ])('when the script ends (%s) its files reach the storage folder; links, the script and node_modules do not', async (_how, ending) => {
    const folders = scratch();
    try {
      await runScript(isolation, leavesFiles(`'phantombuster flags: save-folder'`, ending), { workRoot: folders.workRoot, storageDir: folders.storageDir });
      expect(entries(folders.storageDir)).toEqual({ 'result.csv': 'a,b\n1,2\n', 'shots/page.png': 'png' });
    } finally {
      folders.cleanup();
    }
  });

  maybe('control: without the flag nothing of the run folder is saved', async () => {
    const folders = scratch();
    try {
      await runScript(isolation, leavesFiles('', ''), { workRoot: folders.workRoot, storageDir: folders.storageDir });
      expect(entries(folders.storageDir)).toEqual({});
    } finally {
      folders.cleanup();
    }
  });
});
