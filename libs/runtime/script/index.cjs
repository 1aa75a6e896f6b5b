'use strict';
// What `require('phantombuster')`, `require('agentry')` and `import ... from '@agentry/runtime'`
// load inside a run. Plain `exports.x =` assignments so ESM importers get named exports.
const runtime = require('./runtime.cjs');

exports.create = runtime.create;
/** The run's API object (null outside a run). */
exports.buster = runtime.current();
