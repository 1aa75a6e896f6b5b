import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The runtime's puppeteer / playwright builds take their launch options from here (run end to end
// in apps/executor/src/process/browser.test.ts and browser-agents.int.test.ts).
const require = createRequire(import.meta.url);
const { CHROMIUM_FLAGS, proxySettings, puppeteerOptions, playwrightOptions } = require('../script/browser/launch-options.cjs');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'agentry-launch-options-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const settings = (proxyAddress = '') => ({
  executablePath: '/usr/lib/chromium/chromium',
  modulesDir: '/opt/agentry/image/node_modules',
  proxy: proxySettings(proxyAddress),
  downloadsDir: join(dir, 'downloads'),
});

test("the agent's proxy: Chromium gets the server without credentials; the credentials are kept apart, decoded", () => {
  expect(proxySettings('')).toBeNull();
  expect(proxySettings('10.0.2.2:3128')).toEqual({ server: 'http://10.0.2.2:3128', username: null, password: null });
  expect(proxySettings('http://us%40er:p%3Ass@proxy.example:8080')).toEqual({ server: 'http://proxy.example:8080', username: 'us@er', password: 'p:ss' });
  expect(proxySettings('socks5h://proxy.example:1080').server).toBe('socks5://proxy.example:1080');
});

test("puppeteer: the system Chromium and headless whatever the script says, our flags first, the script's args kept, its --proxy-server dropped when the agent has a proxy", () => {
  const options = puppeteerOptions(
    { executablePath: '/tmp/evil-chrome', headless: false, args: ['--window-size=800,600', '--proxy-server=http://elsewhere:1'], slowMo: 5 },
    settings('http://u:p@10.0.2.2:3128'),
  );
  expect(options).toMatchObject({
    executablePath: '/usr/lib/chromium/chromium',
    headless: true,
    slowMo: 5,
    downloadBehavior: { policy: 'allow', downloadPath: join(dir, 'downloads') },
  });
  expect(options.args).toEqual([...CHROMIUM_FLAGS, '--proxy-server=http://10.0.2.2:3128', '--window-size=800,600']);
  expect(options.args.join(' ')).not.toContain('u:p');
  expect(CHROMIUM_FLAGS).toEqual(
    expect.arrayContaining([
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--disable-dev-shm-usage',
    ]),
  );
  // Without an agent proxy, the script's own --proxy-server stands.
  expect(puppeteerOptions({ args: ['--proxy-server=http://mine:1'] }, settings()).args).toContain('--proxy-server=http://mine:1');
});

test("playwright: the agent's proxy with its credentials as playwright takes them; downloads in the run folder", () => {
  const options = playwrightOptions({ headless: false, proxy: { server: 'http://elsewhere:1' } }, settings('http://u:p@10.0.2.2:3128'));
  expect(options).toMatchObject({
    executablePath: '/usr/lib/chromium/chromium',
    headless: true,
    chromiumSandbox: false,
    downloadsPath: join(dir, 'downloads'),
    proxy: { server: 'http://10.0.2.2:3128', username: 'u', password: 'p' },
  });
  expect(options.args).toEqual(CHROMIUM_FLAGS);
});
