import { execFileSync } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jest } from '@jest/globals';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startPlatform, type TestPlatform } from '@agentry/platform-harness';

/**
 * The web console in a real Chromium (Debian's /usr/bin/chromium, driven by playwright-core: no
 * browser is downloaded) against the whole platform (registry, gateway serving apps/console/dist,
 * output service, an executor running the scripts). One user's journey, in order: sign in, create
 * a script and an agent, a refused setting, versions and rollback, launch, watch the console live,
 * abort, a result table; axe on every main page, a phone-sized screen, both themes.
 * With CONSOLE_SCREENSHOTS=1 (`npm run screenshots -w @agentry/console`) it also saves the main
 * pages, light and dark, to docs/images/.
 */

const require = createRequire(import.meta.url);
const consoleDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const imagesDir = join(consoleDir, '..', '..', 'docs', 'images');
const SCREENSHOTS = process.env.CONSOLE_SCREENSHOTS === '1';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Prints a line, then either keeps running (mode "wait": a run to watch and abort) or sets a table as its result and stores a file. */
const SCRIPT = `const buster = require('phantombuster').create();
const wait = buster.argument.mode === 'wait';
console.log('line one from the script');
if (wait) buster.progressHint(0.5, 'Halfway there');
if (wait) setInterval(() => console.log('still working'), 300);
if (!wait) buster.setResultObject([{ name: 'alpha', count: 1 }, { name: 'beta =1+1', count: 2 }]);
if (!wait) buster.saveText('stored by the run', 'out/report.txt').then((url) => console.log('saved ' + url));
`;

jest.setTimeout(180_000);

let platform: TestPlatform;
let key: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const requestedUrls: string[] = [];
const cspViolations: string[] = [];

beforeAll(async () => {
  if (!existsSync(join(consoleDir, 'dist', 'index.html'))) {
    // `npm test` builds it first (turbo); a run of this file alone builds it (and @agentry/client) here.
    execFileSync('npx', ['turbo', 'run', 'build', '--filter=@agentry/console'], { cwd: consoleDir, stdio: 'ignore' });
  }
  platform = await startPlatform({ execution: true });
  key = (await platform.newOrg({ name: 'Console test org' })).key;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light', acceptDownloads: true });
  page = await watched(context);
});

afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

async function watched(ctx: BrowserContext): Promise<Page> {
  const p = await ctx.newPage();
  p.on('request', (r) => requestedUrls.push(r.url()));
  p.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(`${p.url()} ${JSON.stringify(m.location())} ${m.text()}`);
  });
  return p;
}

/** axe-core, evaluated in the page (DevTools evaluation, not an inline script the CSP would block): serious or critical findings. */
async function seriousViolations(p: Page): Promise<string[]> {
  await p.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
  const result = await p.evaluate(async () =>
    (window as unknown as { axe: { run: (o: unknown) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe.run({
      resultTypes: ['violations'],
    }),
  );
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

async function screenshot(p: Page, name: string): Promise<void> {
  if (!SCREENSHOTS) return;
  mkdirSync(imagesDir, { recursive: true });
  for (const scheme of ['light', 'dark'] as const) {
    await p.emulateMedia({ colorScheme: scheme });
    await p.screenshot({ path: join(imagesDir, `console-${name}-${scheme}.png`), fullPage: false });
  }
  await p.emulateMedia({ colorScheme: 'light' });
}

/** Replaces a CodeMirror editor's text the way a user does: focus, select all, type. */
async function replaceEditorText(p: Page, label: string, text: string): Promise<void> {
  const editor = p.getByRole('textbox', { name: label });
  await editor.click();
  await p.keyboard.press('Control+A');
  await p.keyboard.press('Delete');
  await p.keyboard.insertText(text);
}

let agentId: string;

/**
 * A GET of a console path, sent as written: fetch would resolve `..` before sending, and the
 * platform's request() checks answers against the API's document, which the console's pages are not part of.
 */
function get(path: string): Promise<{ status: number; text: string; headers: Headers }> {
  const { hostname, port } = new URL(platform.baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') headers.set(name, value);
        resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString('utf8'), headers });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the gateway serves the console', () => {
  test('/ and any page path answer index.html under a CSP allowing only self; hashed assets are immutable; API paths keep their 404', async () => {
    const home = await get('/');
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toMatch(/^text\/html/);
    expect(home.headers.get('cache-control')).toBe('no-cache');
    const csp = home.headers.get('content-security-policy')!;
    expect(csp).toMatch(/default-src 'self'; script-src 'self'; style-src 'self' 'nonce-[A-Za-z0-9+/=]{24}';/);
    // The style nonce is this response's own, written into the page for CodeMirror; the next page load gets another.
    const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
    expect(home.text).toContain(`<meta name="csp-nonce" content="${nonce}"`);
    expect((await get('/')).headers.get('content-security-policy')).not.toContain(nonce);
    expect(home.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    const deep = await get('/agents/123');
    expect(deep.headers.get('content-type')).toMatch(/^text\/html/);
    expect(deep.text).toContain('<div id="root"></div>');
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(home.text)![1]!;
    const script = await get(asset);
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);

    const unknownApi = await platform.request('GET', '/api/v2/no-such-route', { key });
    expect(unknownApi.status).toBe(404);
    expect(unknownApi.headers.get('content-type')).toMatch(/json/);
    // Existing routes keep their answers: /docs is the API reference, /livez health.
    expect((await platform.request('GET', '/livez')).body).toEqual({ status: 'ok', checks: {} });
  });

  test('hostile paths: traversal, encoded traversal, hidden files and unknown files are 404, not files', async () => {
    for (const path of [
      '/assets/../../package.json',
      '/%2e%2e/%2e%2e/package.json',
      '/..%2f..%2fpackage.json',
      '/.gitignore',
      '/assets/nope.js',
      '/vite.config.ts',
    ]) {
      const res = await get(path);
      expect([path, res.status]).toEqual([path, 404]);
      expect(res.text).not.toContain('"name": "@agentry/console"');
    }
  });
});

describe('a user in Chromium', () => {
  test("signs in with an API key: a wrong key is refused with the API's message, the right one is kept in sessionStorage only", async () => {
    await page.goto(platform.baseUrl);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel('API key').fill('ak_wrong_key_0000000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Invalid API key' }).waitFor();

    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Agents', level: 1 }).waitFor();
    const stored = await page.evaluate(() => ({ session: sessionStorage.getItem('agentry.apiKey'), local: localStorage.getItem('agentry.apiKey') }));
    expect(stored).toEqual({ session: key, local: null });
  });

  test('creates a script in the CodeMirror editor and saves its code', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Scripts' }).click();
    await page.getByLabel('Script name').fill('console-e2e.js');
    await page.getByRole('button', { name: 'Create script' }).click();
    await page.getByRole('heading', { name: 'console-e2e.js' }).waitFor();
    await replaceEditorText(page, 'Code of console-e2e.js', SCRIPT);
    await page.getByRole('button', { name: 'Save script' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved at' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'script');

    const saved = await platform.request('GET', '/api/v2/scripts/code?script=console-e2e.js', { key });
    expect(saved.body.code).toBe(SCRIPT);
  });

  test('creates an agent on that script and lands on its page', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Agents' }).click();
    await page.getByLabel('Name').fill('Console agent');
    await page.getByLabel('Script').selectOption('console-e2e.js');
    await page.getByRole('button', { name: 'Create agent' }).click();
    await page.getByRole('heading', { name: /Console agent/, level: 1 }).waitFor();
    agentId = /\/agents\/(\d+)$/.exec(page.url())![1]!;
    expect(await seriousViolations(page)).toEqual([]);
  });

  test("a setting the API refuses shows the API's own message next to its field, and nothing is saved", async () => {
    await page.getByRole('button', { name: 'Settings' }).click();
    const limit = page.getByLabel('Execution time limit (seconds)');
    await limit.fill('ten minutes');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.locator('input[aria-invalid="true"]').waitFor();
    expect(await limit.getAttribute('aria-invalid')).toBe('true');
    const shown = await page.locator(`#${await limit.getAttribute('aria-describedby')}`).innerText();

    const api = await platform.request('POST', '/api/v2/agents/save', { key, json: { id: agentId, executionTimeLimit: 'ten minutes' } });
    expect(api.status).toBe(400);
    const message = api.body.details.find((d: { field: string }) => d.field === 'executionTimeLimit').message;
    expect(shown).toBe(message);
    expect((await platform.request('GET', `/api/v2/agents/versions?id=${agentId}`, { key })).body.versions).toHaveLength(1);

    await limit.fill('120');
    await page.getByLabel('Name').fill('Console agent renamed');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('heading', { name: /Console agent renamed/, level: 1 }).waitFor();
  });

  test('diffs a version against the current one and rolls back to it', async () => {
    await page.getByRole('button', { name: 'Versions' }).click();
    await page.getByRole('button', { name: 'Diff version 1 against the current one' }).click();
    const nameRow = page.locator('table.diff tr', { has: page.getByRole('rowheader', { name: 'name' }) });
    expect(await nameRow.innerText()).toMatch(/"Console agent"\s+"Console agent renamed"/);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'versions');

    await page.getByRole('button', { name: 'Roll back to version 1' }).click();
    await page.getByRole('heading', { name: 'Console agent active', exact: true, level: 1 }).waitFor();
    const versions = (await platform.request('GET', `/api/v2/agents/versions?id=${agentId}`, { key })).body.versions;
    expect(versions[0]).toMatchObject({ versionNumber: 3, reason: 'rollback', current: true });
  });

  test('refuses an argument that is not JSON, then launches, watches lines arrive live, and aborts the run', async () => {
    await page.getByRole('button', { name: 'Launch', pressed: false }).click();
    await replaceEditorText(page, 'Argument (JSON)', '{"mode": wait}');
    await page.getByRole('alert').filter({ hasText: 'Not valid JSON' }).waitFor();
    expect(await page.getByRole('button', { name: 'Launch', exact: true }).last().isDisabled()).toBe(true);

    await replaceEditorText(page, 'Argument (JSON)', '{"mode": "wait"}');
    const launch = page.locator('.actions').getByRole('button', { name: 'Launch' });
    await launch.click();
    const log = page.getByRole('log', { name: 'Console output' });
    await log.filter({ hasText: 'line one from the script' }).waitFor();
    // The run waits forever: the line arrived while it runs, over the stream, not after its end.
    const state = await page.locator('.run-state').innerText();
    expect(state).toMatch(/running/);
    expect(state).not.toMatch(/ended/);
    const containerId = /Container (\d+)/.exec(state)![1]!;
    expect((await platform.request('GET', `/api/v2/containers/fetch?id=${containerId}`, { key })).body.status).toBe('running');
    await log.filter({ hasText: 'still working' }).waitFor();
    await page.getByRole('progressbar').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'live-console');

    await page.getByRole('button', { name: 'Abort' }).click();
    await page.locator('.run-state').filter({ hasText: 'ended' }).waitFor();
    const ended = (await platform.request('GET', `/api/v2/containers/fetch?id=${containerId}`, { key })).body;
    expect(ended).toMatchObject({ status: 'finished', endType: 'killed' });
  });

  test('a run launched elsewhere is followed live when its page opens, and aborted from it', async () => {
    const launched = await platform.request('POST', '/api/v2/agents/launch', { key, json: { id: agentId, argument: { mode: 'wait' } } });
    expect(launched.status).toBe(200);
    const containerId = String(launched.body.containerId);
    await page.reload();
    await page
      .locator('.run-state')
      .filter({ hasText: `Container ${containerId}: running` })
      .waitFor();
    const log = page.getByRole('log', { name: 'Console output' });
    await log.filter({ hasText: 'line one from the script' }).waitFor();
    await log.filter({ hasText: 'still working' }).waitFor();
    await page.getByRole('button', { name: 'Abort' }).click();
    await page.locator('.run-state').filter({ hasText: 'ended' }).waitFor();
    expect((await platform.request('GET', `/api/v2/containers/fetch?id=${containerId}`, { key })).body).toMatchObject({
      status: 'finished',
      endType: 'killed',
    });
  });

  test('launches a run that sets a list of objects and reads it as a table, with a CSV download safe for spreadsheets', async () => {
    await replaceEditorText(page, 'Argument (JSON)', '{"mode": "result"}');
    await page.locator('.actions').getByRole('button', { name: 'Launch' }).click();
    const table = page.getByRole('table', { name: 'Result (2 rows)' });
    await table.waitFor();
    const rows = await table.locator('tbody tr').allInnerTexts();
    expect(rows.map((r) => r.split('\t'))).toEqual([
      ['alpha', '1'],
      ['beta =1+1', '2'],
    ]);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv).toBe('name,count\r\nalpha,1\r\nbeta =1+1,2\r\n');
    await screenshot(page, 'result-table');

    // The file the run stored: listed from the URL it printed, downloaded with the key in a header.
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'out/report.txt' }).click()]);
    expect(file.suggestedFilename()).toBe('report.txt');
    expect(readFileSync((await file.path())!, 'utf8')).toBe('stored by the run');
  });

  test('a stream cut mid-way resumes with Last-Event-ID and the same idempotency key: one container, no gap, no repeat', async () => {
    const before = (await platform.request('GET', `/api/v2/containers/fetch-all?agentId=${agentId}`, { key })).body.containers.length;
    const streamRequests: Record<string, string>[] = [];
    let cutOnce = true;
    let cutAt = '';
    await page.route(/\/launch\?output=event-stream/, async (route) => {
      streamRequests.push(route.request().headers());
      if (!cutOnce) return route.continue();
      cutOnce = false;
      // The first answer is cut after its first output event, as a dropped connection would.
      const whole = await (await route.fetch()).text();
      const blocks = whole.split('\n\n');
      const first = blocks.findIndex((b) => /^id: /m.test(b));
      cutAt = /^id: (\d+)/m.exec(blocks[first]!)![1]!;
      await route.fulfill({ status: 200, headers: { 'content-type': 'text/event-stream' }, body: `${blocks.slice(0, first + 1).join('\n\n')}\n\n` });
    });
    await page.locator('.actions').getByRole('button', { name: 'Launch' }).click();
    await page.locator('.run-state').filter({ hasText: 'ended' }).waitFor();
    await page.unroute(/\/launch\?output=event-stream/);

    expect(await page.locator('.run-state').innerText()).toMatch(/resumed 1×/);
    expect(streamRequests).toHaveLength(2);
    expect(streamRequests[1]!['last-event-id']).toBe(cutAt);
    expect(streamRequests[1]!['idempotency-key']).toBe(streamRequests[0]!['idempotency-key']);
    expect(streamRequests[0]!['last-event-id']).toBeUndefined();
    const containers = (await platform.request('GET', `/api/v2/containers/fetch-all?agentId=${agentId}`, { key })).body.containers;
    expect(containers).toHaveLength(before + 1);
    const stored = (await platform.request('GET', `/api/v2/containers/fetch-output?id=${containers[0].id}`, { key })).body.output;
    expect(await page.getByRole('log', { name: 'Console output' }).innerText()).toBe(stored);
  });

  test('the history lists the four runs and filters them by outcome; the schedule page answers', async () => {
    await page.getByRole('button', { name: 'History' }).click();
    const rows = page.locator('table tbody tr');
    await page.waitForFunction(() => document.querySelectorAll('table tbody tr').length === 4);
    await page.getByLabel('Outcome').selectOption('error');
    await page.waitForFunction(() => document.querySelectorAll('table tbody tr').length === 2);
    expect(await rows.allInnerTexts()).toEqual([expect.stringMatching(/\berror\b/), expect.stringMatching(/\berror\b/)]);
    await page.getByLabel('Outcome').selectOption('success');
    await page.waitForFunction(() => document.querySelectorAll('table tbody tr').length === 2);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'history');
    await page.getByRole('button', { name: 'Schedule' }).click();
    await page.getByRole('heading', { name: /Next launches \(UTC\)/ }).waitFor();
    await page.getByText('Nothing planned.').waitFor();
  });

  test("a repeated schedule saved in the form lists its next fire times in the agent's time zone, as the scheduler plans them", async () => {
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByLabel('Launch').selectOption('repeatedly');
    await page.getByLabel('Hours (0–23, comma-separated)').fill('9');
    await page.getByLabel('Minutes (0–59, comma-separated)').fill('30');
    await page.getByLabel('Time zone (IANA)').fill('Asia/Kolkata');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved as a new version.' }).waitFor();
    await page.getByRole('button', { name: 'Schedule' }).click();
    await page.getByRole('heading', { name: 'Next launches (Asia/Kolkata)' }).waitFor();
    await page.locator('.next-launches li').nth(9).waitFor();
    const shown = await page.locator('.next-launches li').allInnerTexts();
    const planned: number[] = (await platform.request('GET', `/api/v2/agents/next-launch-dates?id=${agentId}&count=10`, { key })).body.nextLaunchDates;
    expect(planned).toHaveLength(10);
    const inZone = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Kolkata' });
    expect(shown).toEqual(planned.map((ms) => inZone.format(new Date(ms))));
    // 09:30 in Kolkata (UTC+05:30) is 04:00 UTC: shown in the agent's zone, not the browser's or UTC.
    expect(shown.every((t) => t.endsWith('09:30'))).toBe(true);
    expect(planned.every((ms) => new Date(ms).toISOString().slice(11, 16) === '04:00')).toBe(true);
    await screenshot(page, 'schedule');

    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByLabel('Launch').selectOption('manually');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved as a new version.' }).waitFor();
  });

  test('the agents list shows status, last run outcome and next launch; axe passes in light and dark', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Agents' }).click();
    await page.reload();
    // The last run's time comes in after the list (one history call per agent).
    const row = page.locator('.agent-row', { hasText: 'Console agent' }).filter({ hasText: /· \d+ \w+ \d{4}/ });
    await row.waitFor();
    expect(await row.innerText()).toMatch(
      /active[\s\S]*Last run\s+success — Agent finished \(success\) · \d+ \w+ \d{4}, \d\d:\d\d[\s\S]*Next launch[\s\S]*none planned/,
    );
    expect(await seriousViolations(page)).toEqual([]);
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(await background()).toBe('rgb(247, 247, 248)');
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await background()).toBe('rgb(21, 23, 27)');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Switch to light theme' }).click();
    await page.evaluate(() => {
      localStorage.removeItem('agentry.theme');
      delete document.documentElement.dataset.theme;
    });
    await screenshot(page, 'agents');
  });

  test('keyboard: the first Tab reaches the skip link, which leads to the page; moving to another page by keyboard puts focus on it', async () => {
    await page.reload();
    await page.getByRole('heading', { name: 'Agents', level: 1 }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.id === 'main');
    // The Scripts link, reached and followed with the keyboard only.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Scripts' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Scripts', level: 1 }).waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'main');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Agents' }).click();
  });

  test('a hostile agent name is shown as text: no markup, no script', async () => {
    const name = '<img src=x onerror="window.__pwned=1"><b>bold</b>';
    const created = await platform.request('POST', '/api/v2/agents/save', { key, json: { name } });
    expect(created.status).toBe(200);
    await page.reload();
    await page.locator('.agent-row', { hasText: name }).waitFor();
    expect(
      await page.evaluate(() => ({
        pwned: (window as unknown as { __pwned?: number }).__pwned,
        img: document.querySelectorAll('main img').length,
        bold: document.querySelectorAll('main b').length,
      })),
    ).toEqual({ pwned: undefined, img: 0, bold: 0 });
    await platform.request('POST', '/api/v2/agents/delete', { key, json: { id: created.body.id } });
  });

  test("org settings: creates and revokes an API key; the webhooks section shows the API's answer", async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('Key name').fill('ci key');
    await page.getByRole('button', { name: 'Create key' }).click();
    const created = await page.locator('.secret-once code').innerText();
    expect(created).toMatch(/^ak_/);
    expect((await platform.request('GET', '/api/v2/orgs/fetch', { key: created })).status).toBe(200);
    await page.getByRole('button', { name: 'Revoke key ci key' }).click();
    await page.getByRole('cell', { name: /^revoked/ }).waitFor();
    expect((await platform.request('GET', '/api/v2/orgs/fetch', { key: created })).status).toBe(401);

    // The harness starts no notifier: the API answers 503 naming it, and the console says so
    // (with a notifier, a refused URL shows its field message like every form here).
    const answer = await platform.request('POST', '/api/agentry/v1/webhooks/endpoints', { key, json: { url: 'ftp://example.invalid/hook' } });
    await page.getByLabel('URL').fill('ftp://example.invalid/hook');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const expected = answer.status === 400 ? answer.body.details[0].message : answer.body.message;
    await page.getByRole('alert').filter({ hasText: expected }).first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'settings');
  });

  test('the key never appeared in a URL, and the CSP blocked nothing the console needs', () => {
    expect(requestedUrls.length).toBeGreaterThan(10);
    expect(requestedUrls.filter((u) => u.includes(key))).toEqual([]);
    expect(cspViolations).toEqual([]);
  });
});

describe('on a phone-sized screen', () => {
  test('the agents list renders without sideways scrolling, and passes axe', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, colorScheme: 'dark' });
    const p = await watched(phone);
    await p.goto(platform.baseUrl);
    await p.getByLabel('API key').fill(key);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.locator('.agent-row', { hasText: 'Console agent' }).waitFor();
    expect(await p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    // No choice made: the system's dark preference applies.
    expect(await p.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(21, 23, 27)');
    expect(await seriousViolations(p)).toEqual([]);
    if (SCREENSHOTS) await p.screenshot({ path: join(imagesDir, 'console-agents-phone-dark.png') });
    await phone.close();
  });
});
