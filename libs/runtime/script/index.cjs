'use strict';
// What `require('phantombuster')`, `require('agentry')` and `import ... from '@agentry/runtime'`
// load inside a run. The export is a constructor so the documented modern form
// `const Buster = require('phantombuster'); const buster = new Buster()` works: a constructor that
// returns an object makes `new` answer that object, the run's one API object (as `create()` does).
// The rest are plain `module.exports.x =` assignments so ESM importers get named exports.
const runtime = require('./runtime.cjs');

function Buster() {
  return runtime.create();
}

module.exports = Buster;
module.exports.create = runtime.create;
/** The run's API object (null outside a run). */
module.exports.buster = runtime.current();
