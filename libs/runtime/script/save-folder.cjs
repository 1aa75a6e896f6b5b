'use strict';
// `'phantombuster flags: save-folder'`: when the script's process ends — its work done, process.exit(),
// or an uncaught error — what it left in its run folder is copied into the agent's storage folder
// (as buster.saveFolder() would, entry by entry at the storage folder's top). A run killed by its time
// limit, an abort or a resource limit is SIGKILLed: nothing is saved then.
const fs = require('node:fs');
const path = require('node:path');

/** Header lines, whole lines only: `'phantombuster flags: save-folder'` (either quote, `;` optional) or `// phantombuster flags: …`. */
const FLAGS_HEADER = /^[ \t]*(?:(['"])phantombuster flags:([^'"\n]*)\1[ \t]*;?|\/\/[ \t]*phantombuster flags:([^\n]*))[ \t]*\r?$/gm;
/** Headers sit at the top: a script's first 64 KiB are read for them. */
const HEADER_SCAN_BYTES = 64 * 1024;

/** The flags a script's header lines set (comma or space separated). */
function scriptFlags(scriptText) {
  const flags = new Set();
  for (const match of scriptText.slice(0, HEADER_SCAN_BYTES).matchAll(FLAGS_HEADER)) {
    for (const flag of (match[2] ?? match[3] ?? '').split(/[\s,]+/)) if (flag) flags.add(flag);
  }
  return flags;
}

/**
 * Copies the run folder's entries into the storage folder, synchronously (it runs in the process's
 * `exit` event, where nothing asynchronous runs any more). Not copied: what the runner put there (the
 * script, `node_modules`, `.tmp`) and symbolic links, at any depth (a link to a secret is not saved).
 */
function saveRunFolder(runFolder, storageDir, scriptFile) {
  const notALink = (source) => !fs.lstatSync(source).isSymbolicLink();
  for (const entry of fs.readdirSync(runFolder)) {
    if (entry === scriptFile || entry === 'node_modules' || entry === '.tmp') continue;
    try {
      fs.cpSync(path.join(runFolder, entry), path.join(storageDir, entry), { recursive: true, force: true, filter: notALink });
    } catch (error) {
      process.stderr.write(`save-folder: ${entry} was not saved (${error.message})\n`);
    }
  }
}

/** Installs the save at exit when the script's header asks for it; answers whether it did. */
function installSaveFolder(scriptPath, storageDir) {
  let text;
  try {
    text = fs.readFileSync(scriptPath, 'utf8');
  } catch {
    return false;
  }
  if (!scriptFlags(text).has('save-folder')) return false;
  process.once('exit', () => saveRunFolder(path.dirname(scriptPath), storageDir, path.basename(scriptPath)));
  return true;
}

module.exports = { scriptFlags, installSaveFolder };
