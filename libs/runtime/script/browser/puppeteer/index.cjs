'use strict';
// `require('puppeteer')` inside a run: the image's puppeteer-core, launching the system Chromium
// with the run's defaults (launch-options.cjs). Scripts written for puppeteer run unchanged.
const { requireFromImage, runSettings, puppeteerOptions } = require('../launch-options.cjs');

const core = requireFromImage('puppeteer-core');
const settings = runSettings();
const credentials = settings.proxy && settings.proxy.username !== null ? { username: settings.proxy.username, password: settings.proxy.password ?? '' } : null;

async function launch(options) {
  const browser = await core.launch(puppeteerOptions(options, settings));
  if (credentials) answerProxyChallenges(browser);
  return browser;
}

/**
 * Chromium takes no proxy credentials on its command line: each page answers the proxy's 407
 * with them (page.authenticate). Every page a context opens gets them, the first one's first
 * request included.
 */
function answerProxyChallenges(browser) {
  const contextClass = Object.getPrototypeOf(browser.defaultBrowserContext());
  if (contextClass.__agentryProxy) return;
  const newPage = contextClass.newPage;
  contextClass.newPage = async function (...args) {
    const page = await newPage.apply(this, args);
    await page.authenticate(credentials);
    return page;
  };
  Object.defineProperty(contextClass, '__agentryProxy', { value: true });
}

// Everything of puppeteer-core, with launch() replaced; the names below spelled out so ES modules
// (`import { launch } from 'puppeteer'`, `import puppeteer from 'puppeteer'`) see them too.
module.exports = { ...core };
module.exports.launch = launch;
module.exports.connect = core.connect;
module.exports.executablePath = () => settings.executablePath;
module.exports.defaultArgs = core.defaultArgs;
module.exports.devices = core.devices ?? core.KnownDevices;
module.exports.KnownDevices = core.KnownDevices;
module.exports.TimeoutError = core.TimeoutError;
module.exports.default = module.exports;
