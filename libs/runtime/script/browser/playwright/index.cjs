'use strict';
// `require('playwright')` inside a run: the image's playwright-core, whose `chromium` launches the
// system Chromium with the run's defaults and the agent's proxy (launch-options.cjs). Firefox and
// WebKit are not installed: launching them fails as playwright says.
const { requireFromImage, runSettings, playwrightOptions } = require('../launch-options.cjs');

const core = requireFromImage('playwright-core');
const settings = runSettings();

const chromium = Object.create(core.chromium, {
  launch: { value: (options) => core.chromium.launch(playwrightOptions(options, settings)) },
  launchPersistentContext: { value: (userDataDir, options) => core.chromium.launchPersistentContext(userDataDir, playwrightOptions(options, settings)) },
  executablePath: { value: () => settings.executablePath },
});

// Everything of playwright-core, with chromium replaced; the names below spelled out so ES modules
// (`import { chromium } from 'playwright'`) see them too.
module.exports = { ...core };
module.exports.chromium = chromium;
module.exports.firefox = core.firefox;
module.exports.webkit = core.webkit;
module.exports.devices = core.devices;
module.exports.errors = core.errors;
module.exports.request = core.request;
module.exports.selectors = core.selectors;
module.exports.default = module.exports;
