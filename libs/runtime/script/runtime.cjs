'use strict';
// The run's single Buster, shared through a global symbol so every path the script loads the
// runtime by (phantombuster, agentry, @agentry/runtime) sees the same one.
const { Buster } = require('./buster.cjs');

const KEY = Symbol.for('agentry.runtime');

/** Called once by the bootstrap, before the script is loaded. */
function install(config, channel, clock) {
  globalThis[KEY] = new Buster(config, channel, clock);
  return globalThis[KEY];
}

/** The run's Buster, or null outside a run. */
function current() {
  return globalThis[KEY] ?? null;
}

/** `require('phantombuster').create()`: the classic form took a CasperJS instance, ignored here. */
function create() {
  const buster = current();
  if (!buster) throw new Error('The Agentry runtime is only available inside an agent run');
  return buster;
}

module.exports = { install, current, create };
