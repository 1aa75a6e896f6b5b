// Chromium driven by `require('puppeteer')` / `require('playwright')` inside a run's sandbox: the
// runtime's builds launch the system Chromium with the run's defaults, within the run's cgroup,
// and no browser process outlives the run (end, abort, time limit).
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { RuntimeImages } from '../runs/runtime-images.js';
import { bubblewrapUsable, outputContains, runScript, startScript } from './run-script.test-kit.js';

const CHROMIUM = '/usr/lib/chromium/chromium';
const image = RuntimeImages.load().forScript('').image;
const usable = bubblewrapUsable && existsSync(CHROMIUM) && image !== null;

/** Every live process (a browser's children too: they inherit the environment) carrying `mark` in its environment. */
function processesMarked(mark: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (/^State:\s*Z/m.test(readFileSync(`/proc/${entry}/status`, 'utf8'))) continue;
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').includes(mark)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

const BROWSER_TEST_MS = 180_000;
const BROWSER_LIMITS = { memoryMb: 1536, maxProcesses: 1024, maxFileDescriptors: 4096, diskMb: 512, timeLimitSeconds: 120 };
const browserRun = (mark = `AGENTRY_BROWSER_TEST_${randomBytes(6).toString('hex')}`) => ({
  mark,
  options: { image: image!, browserExecutable: CHROMIUM, limits: BROWSER_LIMITS, env: { BROWSER_TEST_MARK: mark } },
});

// Skipped where the machine lacks Chromium, the web-node image or a sandbox with network; CI installs
// them (.ci/run), so there the skip would only hide a broken install.
test('CI has what browser runs need (Chromium, the web-node:v1 image, bubblewrap with network)', () => {
  if (process.env.CI) expect(usable).toBe(true);
});

(usable ? describe : describe.skip)('a browser inside the sandbox', () => {
  test(
    "require('puppeteer') launches the system Chromium headless, renders a page and screenshots it; nothing of it is left after the run",
    async () => {
      const { mark, options } = browserRun();
      const script = `
      const puppeteer = require('puppeteer');
      (async () => {
        const browser = await puppeteer.launch();
        const page = await browser.newPage();
        await page.goto('data:text/html,<title>t</title><h1 id=h>Hello from the sandbox</h1><script>document.getElementById("h").textContent += " and JS"</script>');
        const text = await page.$eval('#h', (e) => e.textContent);
        const png = await page.screenshot();
        console.log(JSON.stringify({ text, png: png.subarray(1, 4).toString(), version: await browser.version() }));
        await browser.close();
      })().catch((e) => { console.error(e); process.exit(1); });`;
      const result = await runScript('bubblewrap', script, options);
      expect(result.outcome).toMatchObject({ reason: 'exited', exitCode: 0 });
      expect(JSON.parse(result.output.toString())).toMatchObject({
        text: 'Hello from the sandbox and JS',
        png: 'PNG',
        version: expect.stringMatching(/Chrom/),
      });
      expect(processesMarked(mark)).toEqual([]);
    },
    BROWSER_TEST_MS,
  );

  test(
    "require('playwright') drives the same Chromium; import of cheerio and lodash from the image works in an ES module",
    async () => {
      const { options } = browserRun();
      const script = `
      import { chromium } from 'playwright';
      import * as cheerio from 'cheerio';
      import _ from 'lodash';
      const browser = await chromium.launch();
      const page = await browser.newPage();
      await page.setContent('<ul><li>b</li><li>a</li></ul>');
      const $ = cheerio.load(await page.content());
      console.log(_.sortBy($('li').map((i, e) => $(e).text()).get()).join(','));
      await browser.close();`;
      const result = await runScript('bubblewrap', script, { ...options, scriptName: 'script.mjs' });
      expect(result.outcome).toMatchObject({ reason: 'exited', exitCode: 0 });
      expect(result.output.toString().trim()).toBe('a,b');
    },
    BROWSER_TEST_MS,
  );

  test.each([
    ['an abort', 'aborted'],
    ['the time limit', 'time-limit'],
    ['a crash of the script', 'exited'],
  ])(
    '%s while the browser runs leaves no Chromium process',
    async (_name, reason) => {
      const { mark, options } = browserRun();
      const script = `
      const puppeteer = require('puppeteer');
      (async () => {
        const browser = await puppeteer.launch();
        const page = await browser.newPage();
        await page.goto('data:text/html,<h1>busy</h1>');
        console.log('browser up');
        // The time limit case: a limit already passed (counted from the run's start) stops the run at once.
        if (${JSON.stringify(reason)} === 'time-limit') setTimeout(() => require('phantombuster').create().overrideTimeLimit(1), 500);
        // The crash case: an uncaught error ends node with the browser still open (puppeteer's own exit hook is not a guarantee: SIGKILL skips it).
        if (${JSON.stringify(reason)} === 'exited') setTimeout(() => { process.removeAllListeners('exit'); throw new Error('the script crashed'); }, 500);
        await new Promise(() => {});
      })();`;
      const run = await startScript('bubblewrap', script, options);
      await outputContains(run, 'browser up');
      expect(processesMarked(mark).length).toBeGreaterThan(2); // control: the browser's processes are there, and this finds them
      if (reason === 'aborted') run.running.abort();
      const { outcome } = await run.result;
      expect(outcome.reason).toBe(reason);
      expect(processesMarked(mark)).toEqual([]);
    },
    BROWSER_TEST_MS,
  );
});
