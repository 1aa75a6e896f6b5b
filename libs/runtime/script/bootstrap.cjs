'use strict';
// Entry point of a run's node process: `node bootstrap.cjs [<script>]`. Opens the private channel,
// waits for the runner's init message, installs the runtime, then runs the script as the main
// module (CommonJS or ES module, exactly as `node <script>` would).
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const { Channel } = require('./channel.cjs');
const runtime = require('./runtime.cjs');
const { installSaveFolder } = require('./save-folder.cjs');

const CHANNEL_FD = 3;
const O_CLOEXEC = 0o2000000;

/**
 * Descriptors the executor's process leaked to us are no business of the script. Node opens its
 * own descriptors close-on-exec and marks the low inherited ones so at startup; one still without
 * the flag here was inherited (a higher-numbered leak) and would stay open for the script and its
 * children: close it. stdin/stdout/stderr and the channel stay.
 */
function closeLeakedDescriptors() {
  for (const name of fs.readdirSync('/proc/self/fd')) {
    const fd = Number(name);
    if (fd <= CHANNEL_FD) continue;
    try {
      const flags = /^flags:\s*([0-7]+)/m.exec(fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'));
      if (flags && (parseInt(flags[1], 8) & O_CLOEXEC) === 0) fs.closeSync(fd);
    } catch {
      // already gone (e.g. the directory handle readdirSync used)
    }
  }
}

closeLeakedDescriptors();
const channel = new Channel(CHANNEL_FD);
channel.write({ t: 'hello' });
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
  // The run's environment arrives with its config: a warm runner (apps/executor/src/process/warm-pool.ts)
  // was started before its run was known, with none of the run's variables. process.env is made
  // exactly the run's before anything of the script loads (child processes inherit it from here).
  if (config.env) {
    for (const name of Object.keys(process.env)) delete process.env[name];
    Object.assign(process.env, config.env);
  }
  clock.deadline = config.deadline ?? null;
  runtime.install(config, channel, clock);
  // The agent's proxy carries the script's own HTTP(S) requests too (the browser builds pass it to Chromium).
  // Loaded only for a run with a proxy: http, https and tls are ~60 built-in modules, compiled at every
  // start (the run's --max-old-space-size makes V8 reject node's embedded code cache): ~10 ms of CPU per run.
  if (config.proxyAddress) require('./proxy-agents.cjs').installProxyAgents(config.proxyAddress);
  channel.release();
  // A cold run also has its script on the command line; a warm runner learns it here.
  const script = path.resolve(config.script ?? process.argv[2]);
  installSaveFolder(config.scriptFlags, script, config.storageDir);
  process.argv.splice(1, process.argv.length - 1, script);
  Module.runMain();
});
