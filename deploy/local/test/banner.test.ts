import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { curlExample, readyBanner } from '../lib/banner.mjs';
import { fakeHttp } from './fake-http.js';

const run = promisify(execFile);

test('the printed curl lines, pasted into bash, create a script and an agent and fetch it', async () => {
  const server = await fakeHttp((req) => {
    if (req.url.startsWith('/api/v1/script/')) return { status: 200, body: { status: 'success', data: 7 } };
    if (req.url === '/api/v2/agents/save') return { status: 200, body: { id: '42' } };
    return { status: 200, body: { id: '42', name: 'hello' } };
  });
  try {
    const { stdout } = await run('bash', ['-c', curlExample(server.url, "'agt_test-key'").join('\n')]);
    expect(stdout).toContain('agent id: 42');
    expect(stdout).toContain('"name":"hello"');
    const [script, save, fetch] = server.requests;
    expect(script).toMatchObject({ method: 'POST', url: '/api/v1/script/hello.js' });
    expect(Object.fromEntries(new URLSearchParams(script.body))).toEqual({ text: 'console.log("Hello from Agentry")' });
    expect(script.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(save).toMatchObject({ method: 'POST', url: '/api/v2/agents/save' });
    expect(JSON.parse(save.body)).toEqual({ name: 'hello', script: 'hello.js' });
    expect(fetch).toMatchObject({ method: 'GET', url: '/api/v2/agents/fetch?id=42' });
    for (const req of server.requests) expect(req.headers['x-phantombuster-key-1']).toBe('agt_test-key');
  } finally {
    await server.close();
  }
});

const banner = (admin: object) => readyBanner({ url: 'http://127.0.0.1:3000', admin, dataDir: '/data', infrastructure: ['Postgres: embedded'] });

test('a new key is printed with a warning that it is shown once, and filled into the curl lines', () => {
  const text = banner({ kind: 'new', key: 'agt_abc12' });
  expect(text).toContain('Agentry is running at http://127.0.0.1:3000');
  expect(text).toContain('Console: open http://127.0.0.1:3000/ in a browser and sign in with the admin key.');
  expect(text).toContain('API reference: http://127.0.0.1:3000/docs');
  expect(text).toMatch(/shown only now/);
  expect(text).toContain("KEY='agt_abc12'; URL='http://127.0.0.1:3000'");
});

test('later starts say the key was shown at first start and leave a placeholder', () => {
  const text = banner({ kind: 'shown-before' });
  expect(text).toContain('shown at first start');
  expect(text).toContain("KEY='<your admin key>'");
  expect(text).not.toMatch(/agt_/);
});

test('a key from AGENTRY_BOOTSTRAP_API_KEY is not echoed: the curl lines read the variable', () => {
  const text = banner({ kind: 'env' });
  expect(text).toContain('the value of AGENTRY_BOOTSTRAP_API_KEY');
  expect(text).toContain('KEY="$AGENTRY_BOOTSTRAP_API_KEY"');
});
