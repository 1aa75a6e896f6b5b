'use strict';
// How the runtime's `puppeteer` and `playwright` builds launch Chromium inside a run: the system
// Chromium the executor names, headless, profile and downloads in the run folder, the agent's proxy.
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const runtime = require('../runtime.cjs');

/**
 * Flags every launch gets. --no-sandbox: the run's bubblewrap sandbox is the sandbox (Chromium's own
 * needs namespaces and setuid helpers a run does not have). The --disable-* set keeps Chromium from
 * calling home (component updates, sync, field trials, safe browsing lists…): without them it tries
 * to reach Google's servers at start. /dev/shm in a sandbox is small and shared by nothing: shared
 * memory goes to /tmp (the run folder) instead.
 */
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-domain-reliability',
  '--disable-breakpad',
  '--disable-crash-reporter',
  '--metrics-recording-only',
  '--disable-dev-shm-usage',
];

/** What the run gives the browser builds (the runner's init message). Throws outside a run. */
function runSettings() {
  const buster = runtime.create();
  const config = buster._config;
  if (!config.browserExecutable) throw new Error('No browser on this executor: install Chromium (apt-get install chromium) where the executor runs');
  if (!config.modulesDir) throw new Error('This run has no runtime image: the browser libraries come with one (see the "phantom image:" header line)');
  const home = process.env.HOME || process.cwd();
  return {
    executablePath: config.browserExecutable,
    modulesDir: config.modulesDir,
    proxy: proxySettings(buster.proxyAddress),
    downloadsDir: path.join(home, 'downloads'),
  };
}

/** A module of the run's image (puppeteer-core, playwright-core), loaded from the image itself. */
function requireFromImage(name) {
  const { modulesDir } = runSettings();
  // Resolved as from the image's own folder (modulesDir is its node_modules): its package.json exports apply.
  return Module.createRequire(path.join(path.dirname(modulesDir), 'image.js'))(name);
}

/**
 * `http://user:pass@host:port` → Chromium's `--proxy-server` (no credentials: it takes none) and the
 * credentials, answered to the proxy's challenge by the builds. null without a proxy.
 */
function proxySettings(proxyAddress) {
  if (!proxyAddress) return null;
  const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(proxyAddress) ? proxyAddress : `http://${proxyAddress}`);
  // Chromium's scheme for SOCKS5 is socks5; socks5h (remote DNS) is what it does anyway.
  const scheme = url.protocol
    .replace(/:$/, '')
    .replace(/^socks5h$/, 'socks5')
    .replace(/^socks4a$/, 'socks4');
  return {
    server: `${scheme}://${url.host}`,
    username: url.username ? decodeURIComponent(url.username) : null,
    password: url.password ? decodeURIComponent(url.password) : null,
  };
}

/** A user's args with ours first; a user's --proxy-server is dropped when the agent has a proxy (the agent's setting wins). */
function mergedArgs(userArgs, settings) {
  const args = [...CHROMIUM_FLAGS];
  if (settings.proxy) args.push(`--proxy-server=${settings.proxy.server}`);
  for (const arg of Array.isArray(userArgs) ? userArgs : []) {
    if (typeof arg !== 'string' || args.includes(arg)) continue;
    if (settings.proxy && arg.startsWith('--proxy-server')) continue;
    args.push(arg);
  }
  return args;
}

/**
 * puppeteer.launch() options: the system Chromium whatever the script says (there is no other
 * browser, and none is ever downloaded), headless (no display in a run), downloads into
 * `~/downloads` of the run folder; the profile is puppeteer's temporary one in TMPDIR, which is the
 * run folder's `.tmp`. Anything else the script passes is kept.
 */
function puppeteerOptions(options = {}, settings = runSettings()) {
  fs.mkdirSync(settings.downloadsDir, { recursive: true });
  return {
    ...options,
    executablePath: settings.executablePath,
    headless: options.headless === 'shell' ? 'shell' : true,
    args: mergedArgs(options.args, settings),
    downloadBehavior: options.downloadBehavior ?? { policy: 'allow', downloadPath: settings.downloadsDir },
  };
}

/** chromium.launch() / launchPersistentContext() options for playwright: the same rules, with the proxy as playwright takes it. */
function playwrightOptions(options = {}, settings = runSettings()) {
  fs.mkdirSync(settings.downloadsDir, { recursive: true });
  const proxy = settings.proxy
    ? {
        server: settings.proxy.server,
        ...(settings.proxy.username ? { username: settings.proxy.username } : {}),
        ...(settings.proxy.password ? { password: settings.proxy.password } : {}),
      }
    : options.proxy;
  return {
    ...options,
    executablePath: settings.executablePath,
    headless: true,
    chromiumSandbox: false,
    args: mergedArgs(options.args, { ...settings, proxy: null }),
    downloadsPath: options.downloadsPath ?? settings.downloadsDir,
    ...(proxy ? { proxy } : {}),
  };
}

module.exports = { CHROMIUM_FLAGS, runSettings, requireFromImage, proxySettings, puppeteerOptions, playwrightOptions };
