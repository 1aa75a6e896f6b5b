// The example browser agents (examples/agents/*) end to end through the platform: saved by the
// registry, launched over NATS, run by the executor in its bubblewrap sandbox with network (slirp,
// egress rules), driving the system Chromium against a site this test serves on the host's
// loopback — reached at 10.0.2.2:<port> because the executor opens exactly that port
// (AGENTRY_EGRESS_HOST_PORTS). One platform for the whole file.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Subjects } from '@agentry/contracts';
// @ts-expect-error: plain ES module without types (the examples are JavaScript, as users write them)
import { LOGIN, SECRET, startTestSite } from '../../../examples/agents/test-site.mjs';
import { DEFAULT_CHROMIUM } from './config.js';
import { findExecutable } from './process/executables.js';
import { isolationAvailable } from './process/index.js';
import { runUserFor } from './process/run-user.js';
import { sandboxNetwork } from './process/sandbox-network.js';
import { RuntimeImages } from './runs/runtime-images.js';
import { messagesOf, startExecutorTestbed, type ExecutorTestbed } from './testing/executor-harness.js';

const EXAMPLES = join(import.meta.dirname, '../../../examples/agents');
const example = (name: string) => readFileSync(join(EXAMPLES, name, 'agent.js'), 'utf8');

const usable =
  existsSync(DEFAULT_CHROMIUM) &&
  RuntimeImages.load().names().includes('web-node:v1') &&
  (await isolationAvailable(runUserFor())) === 'bubblewrap' &&
  findExecutable('slirp4netns') !== null &&
  (await sandboxNetwork('auto', runUserFor())) === 'internet';

interface TestSite {
  port: number;
  requests: string[];
  close(): Promise<void>;
}

/** Every live process whose environment carries `mark` (a browser's children inherit it). */
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

/**
 * A forward HTTP proxy on the host's loopback, as an agent's proxy: answers only with the right
 * Proxy-Authorization, sends every request to the test site whatever its host, logs what it carried.
 */
async function startTestProxy(sitePort: number, credentials: string): Promise<{ port: number; carried: string[]; close(): Promise<void> }> {
  const carried: string[] = [];
  const expected = `Basic ${Buffer.from(credentials).toString('base64')}`;
  const server: Server = createServer((req, res) => {
    if (req.headers['proxy-authorization'] !== expected) {
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="agent proxy"' }).end();
      return;
    }
    carried.push(`${req.method} ${req.url} ${req.headers['user-agent']?.includes('Chrome') ? 'chromium' : 'node'}`);
    const target = new URL(req.url!);
    const upstream = request(
      { host: '127.0.0.1', port: sitePort, path: target.pathname + target.search, method: req.method, headers: { ...req.headers, host: target.host } },
      (answer) => {
        res.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, carried, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Browser runs on 2 shared cores take seconds each; a test runs up to two of them (and waits out one time limit). */
const BROWSER_TEST_MS = 240_000;

// Skipped where the machine lacks Chromium, the web-node image or a sandbox with network; CI installs
// them (.ci/run), so there the skip would only hide a broken install.
test('CI has what browser runs need (Chromium, the web-node:v1 image, bubblewrap with network)', () => {
  if (process.env.CI) expect(usable).toBe(true);
});

(usable ? describe : describe.skip)('browser agents through the platform, sandboxed', () => {
  let bed: ExecutorTestbed;
  let site: TestSite;
  /** A second listener whose port is NOT opened to sandboxes: reachable through the proxy only. */
  let hidden: TestSite;
  let proxy: Awaited<ReturnType<typeof startTestProxy>>;
  let siteUrl: string;

  beforeAll(async () => {
    site = (await startTestSite()) as TestSite;
    hidden = (await startTestSite()) as TestSite;
    proxy = await startTestProxy(hidden.port, 'scraper:s3cret');
    siteUrl = `http://10.0.2.2:${site.port}`;
    bed = await startExecutorTestbed({
      config: {
        isolation: 'auto',
        egressHostPorts: [site.port, proxy.port],
        browserExecutable: DEFAULT_CHROMIUM,
        slots: 2,
        runLimits: {
          memoryMb: 1024,
          maxFileDescriptors: 4096,
          maxProcesses: 1024,
          maxOutputBytes: 16 << 20,
          cpuPercent: 100,
          diskMb: 512,
          maxTimeLimitSeconds: 600,
        },
      },
    });
  });
  afterAll(async () => {
    await bed?.close();
    await Promise.all([site?.close(), hidden?.close(), proxy?.close()]);
  });

  const run = async (script: string, fields: Record<string, unknown> = {}, timeoutMs = 90_000) => {
    const agentId = await bed.agentWithScript(script, fields);
    const { containerId } = await bed.launch({ agentId });
    const state = await bed.waitEnded(containerId, timeoutMs);
    const events = await bed.containerEvents(containerId);
    const resultObject = events.filter((event) => event.type === 'ContainerResultObjectSet').at(-1)?.data as { resultObject: string } | undefined;
    return {
      agentId,
      containerId,
      state,
      events,
      output: (await bed.durableOutput(containerId)).toString(),
      result: resultObject ? JSON.parse(resultObject.resultObject) : null,
    };
  };
  const resultFilesOf = (events: { type: string; data: unknown }[]) =>
    events
      .filter((event) => event.type === 'ContainerResultFileSaved')
      .map((event) => {
        const { format, name } = event.data as { format: string; name: string };
        return { format, name };
      });
  const readStored = async (agentId: number, path: string) =>
    Buffer.from((await bed.rpc.request(Subjects.executor.readStoredFile, { actor: bed.actor, params: { agentId, path } })).data, 'base64');

  test(
    'screenshot: the page is rendered, screenshot.png stored in the agent storage and linked from the run messages by the platform',
    async () => {
      const { agentId, state, events, result, output } = await run(example('screenshot'), { argument: { url: `${siteUrl}/page` } });
      expect({ ended: state.ended?.status, output }).toEqual({ ended: 'complete', output: '' });
      expect(result).toEqual({ title: 'Example page', screenshot: `/api/v1/agent/${agentId}/storage/screenshot.png` });
      // The script writes no message: the platform links the saved image.
      expect(messagesOf(events).filter((message) => message.type === 'info' && message.text.startsWith('Screenshot'))).toEqual([
        expect.objectContaining({ text: `Screenshot saved: ${result.screenshot}` }),
      ]);
      const png = await readStored(agentId, 'screenshot.png');
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      expect(png.length).toBeGreaterThan(2000);
    },
    BROWSER_TEST_MS,
  );

  test(
    'paginated list: every page followed, result.csv and result.json in the agent storage',
    async () => {
      const { agentId, state, events, result, output } = await run(example('paginated-list'), { argument: { url: `${siteUrl}/list` } });
      // Control: saving files that are not images links nothing.
      expect(messagesOf(events).filter((message) => message.text.startsWith('Screenshot'))).toEqual([]);
      expect({ ended: state.ended?.status, output }).toEqual({ ended: 'complete', output: '7 rows saved to result.csv\n' });
      expect(result).toEqual({ rows: 7, csv: `/api/v1/agent/${agentId}/storage/result.csv` });
      const csv = (await readStored(agentId, 'result.csv')).toString().split(/\r?\n/);
      expect(csv).toEqual(['name,price', ...Array.from({ length: 7 }, (_, i) => `Item ${i + 1},${(i + 1) * 10}.00`), '']);
      // The platform knows which files are the results (answered as the container's csvName / jsonName).
      expect(resultFilesOf(events)).toEqual([
        { format: 'csv', name: 'result' },
        { format: 'json', name: 'result' },
      ]);
      expect(JSON.parse((await readStored(agentId, 'result.json')).toString())).toHaveLength(7);
      expect(site.requests.filter((line) => line.startsWith('GET /list'))).toEqual(['GET /list', 'GET /list?page=2', 'GET /list?page=3']);
    },
    BROWSER_TEST_MS,
  );

  test(
    "result files: the argument's csvName / jsonName name them; recorded once per format; other files are not results",
    async () => {
      const script = `const buster = require('phantombuster').create();
(async () => {
  await buster.saveResults([{ a: 1 }]);
  await buster.saveResults([{ a: 2 }]);
  await buster.saveText('x', 'result.csv');
  await buster.saveText('y', 'other.json');
})();`;
      const { agentId, state, events } = await run(script, { argument: { csvName: 'leads.csv', jsonName: 'people' } });
      expect(state.ended?.status).toBe('complete');
      expect(resultFilesOf(events)).toEqual([
        { format: 'csv', name: 'leads' },
        { format: 'json', name: 'people' },
      ]);
      expect((await readStored(agentId, 'leads.csv')).toString()).toBe('a\r\n2\r\n');
      expect(JSON.parse((await readStored(agentId, 'people.json')).toString())).toEqual([{ a: 2 }]);
      // Control: a run saving no result file records none.
      const other = await run(`require('phantombuster').create().saveText('x', 'notes.txt')`);
      expect(resultFilesOf(other.events)).toEqual([]);
    },
    BROWSER_TEST_MS,
  );

  test(
    "login: the agent's stored credentials open the private page; wrong ones are refused",
    async () => {
      const ok = await run(example('login'), { argument: { url: `${siteUrl}/login` }, credentials: LOGIN });
      expect({ ended: ok.state.ended?.status, result: ok.result }).toEqual({ ended: 'complete', result: { loggedIn: true, secret: SECRET } });
      // Control: the page is private — the same agent with a wrong password reads nothing.
      const refused = await run(example('login'), { argument: { url: `${siteUrl}/login` }, credentials: { ...LOGIN, password: 'wrong' } });
      expect(refused.state.ended?.status).toBe('failed');
      expect(refused.output).toContain('Login refused');
      expect(refused.result).toBeNull();
    },
    BROWSER_TEST_MS,
  );

  test(
    'search: the query is typed, and the results rendered later by the page JavaScript are read',
    async () => {
      const { state, result } = await run(example('js-search'), { argument: { url: `${siteUrl}/search`, query: 'ap' } });
      expect({ ended: state.ended?.status, result }).toEqual({ ended: 'complete', result: { query: 'ap', results: ['apple', 'apricot'] } });
    },
    BROWSER_TEST_MS,
  );

  test(
    "the agent's proxy carries the browser's and the script's own requests, with its credentials; without it the same target is refused",
    async () => {
      // The hidden site's port is not opened to sandboxes: only the proxy (on the host, an opened port) reaches it.
      const target = `http://10.0.2.2:${hidden.port}`;
      const script = `
      const buster = require('phantombuster').create();
      const puppeteer = require('puppeteer');
      const fetch = require('node-fetch');
      (async () => {
        const viaNode = await fetch('${target}/api/search?q=b').then((answer) => answer.json()).catch((error) => error.code || error.message);
        const browser = await puppeteer.launch();
        const page = await browser.newPage();
        const viaBrowser = await page.goto('${target}/page').then(() => page.title()).catch((error) => error.message.split(' at ')[0]);
        await browser.close();
        await buster.setResultObject({ proxy: buster.proxyAddress.replace(/:[^:@]*@/, ':***@'), viaNode, viaBrowser });
      })().catch((error) => { console.error(error); process.exit(1); });`;
      const proxied = await run(script, { proxyType: 'http', proxyAddress: `10.0.2.2:${proxy.port}`, proxyUsername: 'scraper', proxyPassword: 's3cret' });
      expect(proxied.result).toEqual({ proxy: `http://scraper:***@10.0.2.2:${proxy.port}`, viaNode: ['banana', 'blueberry'], viaBrowser: 'Example page' });
      expect(proxied.output).not.toContain('s3cret');
      expect(proxy.carried).toEqual(expect.arrayContaining([`GET ${target}/api/search?q=b node`, `GET ${target}/page chromium`]));
      // Control: the same script with no proxy cannot reach the hidden site (the egress rules refuse it).
      const carriedBefore = proxy.carried.length;
      const direct = await run(script);
      expect(direct.result).toMatchObject({ proxy: '', viaNode: 'EACCES', viaBrowser: expect.stringMatching(/ERR_/) });
      expect(proxy.carried.length).toBe(carriedBefore);
    },
    BROWSER_TEST_MS,
  );

  test(
    'abort and time limit while Chromium runs leave no Chromium process',
    async () => {
      const script = (mark: string, timeLimit: boolean) => `
      process.env.BROWSER_MARK = ${JSON.stringify(mark)};
      const buster = require('phantombuster').create();
      const puppeteer = require('puppeteer');
      (async () => {
        const browser = await puppeteer.launch({ env: { ...process.env } });
        const page = await browser.newPage();
        await page.goto('${siteUrl}/page');
        await buster.message('browser up');
        ${timeLimit ? 'await buster.overrideTimeLimit(1);' : ''}
        await new Promise(() => {});
      })();`;
      for (const timeLimit of [false, true]) {
        const mark = `BROWSER_MARK_${Date.now()}_${timeLimit}`;
        const agentId = await bed.agentWithScript(script(mark, timeLimit));
        const { containerId } = await bed.launch({ agentId });
        if (!timeLimit) {
          for (let i = 0; i < 600 && !messagesOf(await bed.containerEvents(containerId)).some((message) => message.text === 'browser up'); i++)
            await new Promise((resolve) => setTimeout(resolve, 100));
          expect(processesMarked(mark).length).toBeGreaterThan(2); // control: the browser is there, and the scan finds it
          await bed.abort({ agentId, containerId });
        }
        const state = await bed.waitEnded(containerId, 90_000);
        expect(state.ended).toMatchObject(timeLimit ? { endType: 'agent timeout' } : { status: 'cancelled' });
        expect(processesMarked(mark)).toEqual([]);
      }
    },
    BROWSER_TEST_MS,
  );

  test(
    'a browser run over its memory limit ends "Memory limit reached"; the executor goes on serving other runs',
    async () => {
      const bomb = `
      const puppeteer = require('puppeteer');
      (async () => {
        const browser = await puppeteer.launch();
        const page = await browser.newPage();
        await page.goto('${siteUrl}/page');
        // The page keeps 64 MiB blocks, every byte touched, until the run's 1 GiB is gone.
        await page.evaluate(async () => { const keep = []; for (;;) { keep.push(new Uint8Array(64 << 20).fill(1)); await new Promise((r) => setTimeout(r, 20)); } });
      })().catch((error) => { console.error(error.message); setInterval(() => {}, 1000); });`;
      const over = await run(bomb);
      expect(over.state.ended).toMatchObject({ status: 'failed', endMessage: 'Memory limit reached' });
      expect(messagesOf(over.events).at(-1)).toMatchObject({ text: 'Memory limit reached', type: 'error' });
      const next = await run(example('js-search'), { argument: { url: `${siteUrl}/search`, query: 'ch' } });
      expect(next.result).toEqual({ query: 'ch', results: ['cherry'] });
    },
    BROWSER_TEST_MS,
  );

  test(
    'a header naming an image this executor does not have fails the run at start, naming it',
    async () => {
      const { state, output } = await run(`'phantom image: web-node:v9'\nconsole.log('ran')`);
      expect(state.ended?.status).toBe('failed');
      expect(output).toBe("[agentry] 'phantom image: web-node:v9': no such runtime image on this executor (available: web-node:v1)\n");
    },
    BROWSER_TEST_MS,
  );
});
