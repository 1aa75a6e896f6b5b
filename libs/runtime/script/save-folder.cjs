'use strict';
// `'phantombuster flags: save-folder'`: when the script's process ends — its work done, process.exit(),
// or an uncaught error — what it left in its run folder is copied into the agent's storage folder
// (as buster.saveFolder() would, entry by entry at the storage folder's top). A run killed by its time
// limit, an abort or a resource limit is SIGKILLed: nothing is saved then.
const fs = require('node:fs');
const path = require('node:path');

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

/**
 * Installs the save at exit when the script's header asks for it — the executor reads the header
 * (libs/contracts/src/scripts/header.ts) and hands its flags over in the run's config; answers whether it did.
 */
function installSaveFolder(flags, scriptPath, storageDir) {
  if (!Array.isArray(flags) || !flags.includes('save-folder')) return false;
  process.once('exit', () => saveRunFolder(path.dirname(scriptPath), storageDir, path.basename(scriptPath)));
  return true;
}

module.exports = { installSaveFolder };
