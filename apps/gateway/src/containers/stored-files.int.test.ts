import { startPlatform, type TestPlatform } from '@agentry/platform-harness';
import { executionApi, type ExecutionApi } from './execution-test-kit.js';

/**
 * A script stores HTML, SVG and XML meant to run in a visitor's browser on the API's origin
 * (stealing what that origin holds). Served back, none of it can: sandboxed by CSP, never sniffed,
 * active types downloaded as attachments. A plain text file stays readable inline (the control).
 */

const HTML = '<html><body><script>fetch("/api/v2/agents/fetch-all")</script></body></html>';
const SVG = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>';
const XML = '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>';

let platform: TestPlatform;
let api: ExecutionApi;
let agent: string;
beforeAll(async () => {
  platform = await startPlatform({ execution: true });
  api = executionApi(platform, (await platform.newOrg({ name: 'files' })).key);
  const script = `
    const buster = require('phantombuster').create();
    (async () => {
      await buster.saveText(${JSON.stringify(HTML)}, 'page.html');
      await buster.saveText(${JSON.stringify(SVG)}, 'image.svg');
      await buster.saveText(${JSON.stringify(XML)}, 'feed.xml');
      await buster.saveText('<script>alert(1)</script> just text', 'notes.txt');
      console.log('saved');
    })();`;
  agent = await api.agent('stores_active_content', script);
  expect(await api.ended(await api.launch(agent))).toMatchObject({ exitCode: 0 });
});
afterAll(async () => {
  await platform?.close();
});

const file = (name: string) => platform.request('GET', `/api/v1/agent/${agent}/storage/${name}`, { key: api.key });

test.each([
  { name: 'page.html', body: HTML },
  { name: 'image.svg', body: SVG },
  { name: 'feed.xml', body: XML },
])('$name is served sandboxed, nosniff and as an attachment', async ({ name, body }) => {
  const res = await file(name);
  expect(res.status).toBe(200);
  expect(res.text).toBe(body);
  expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${name}"; filename*=UTF-8''${name}`);
});

test('a text file is shown inline, still sandboxed and never sniffed as HTML', async () => {
  const res = await file('notes.txt');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  expect(res.headers.get('content-disposition')).toBeNull();
  expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
});
