'use strict';
// Entry point of a run's node process: `node bootstrap.cjs <script>`. Opens the private channel,
// waits for the runner's init message, installs the runtime, then runs the script as the main
// module (CommonJS or ES module, exactly as `node <script>` would).
const Module = require('node:module');
const path = require('node:path');
const { Channel } = require('./channel.cjs');
const runtime = require('./runtime.cjs');

const channel = new Channel();
const clock = { deadline: null, stopped: false };

channel.on('deadline', (message) => {
  clock.deadline = message.at;
});
// A stop was requested: getTimeLeft() answers -1. A soft stop also raises SIGTERM in the run's
// process group, so a script with a handler can save its work before the runner's SIGKILL.
channel.on('stop', ({ terminate }) => {
  clock.stopped = true;
  if (terminate) process.kill(0, 'SIGTERM');
});
// The runner holds its end until the run is over: losing it means the executor died, so nothing
// would read this run's output any more. Take the whole process group down (the run leads it).
channel.on('close', () => {
  try {
    process.kill(0, 'SIGKILL');
  } finally {
    process.exit(137);
  }
});
channel.on('init', ({ config }) => {
  clock.deadline = config.deadline ?? null;
  runtime.install(config, channel, clock);
  channel.release();
  const script = path.resolve(process.argv[2]);
  process.argv.splice(1, 2, script);
  Module.runMain();
});
