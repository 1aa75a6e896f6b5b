import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The agent's proxy for the script's own requests (script/proxy-agents.cjs): run in a child node,
// since it replaces Node's default agents for the whole process. Everything is on this host's
// loopback; the target names (*.invalid) exist nowhere, so only the proxy can answer for them.
const AGENTS = join(import.meta.dirname, '../script/proxy-agents.cjs');
const openssl = spawnSync('openssl', ['version']).status === 0;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'agentry-proxy-agents-'));
  if (openssl)
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=secure.invalid',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '1',
      ],
      { stdio: 'ignore' },
    );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CHILD = (tls: boolean) => `
const http = require('node:http'), https = require('node:https'), net = require('node:net'), fs = require('node:fs');
const carried = [];
const site = http.createServer((req, res) => res.end('site says ' + req.url)).listen(0, '127.0.0.1', () => {
  const secure = ${tls} ? https.createServer({ key: fs.readFileSync(${JSON.stringify(join(dir, 'key.pem'))}), cert: fs.readFileSync(${JSON.stringify(join(dir, 'cert.pem'))}) }, (req, res) => res.end('secure site says ' + req.url)).listen(0, '127.0.0.1', ready) : null;
  if (!secure) ready();
  function ready() {
    const proxy = http.createServer((req, res) => {
      carried.push(req.method + ' ' + req.url + ' ' + req.headers['proxy-authorization']);
      http.get({ host: '127.0.0.1', port: site.address().port, path: new URL(req.url).pathname, agent: new http.Agent() }, (answer) => answer.pipe(res));
    });
    proxy.on('connect', (req, client) => {
      carried.push('CONNECT ' + req.url + ' ' + req.headers['proxy-authorization']);
      if (req.url.startsWith('refused.invalid')) return client.end('HTTP/1.1 403 Forbidden\\r\\n\\r\\n');
      const upstream = net.connect(secure.address().port, '127.0.0.1', () => { client.write('HTTP/1.1 200 Connection established\\r\\n\\r\\n'); upstream.pipe(client); client.pipe(upstream); });
    });
    proxy.listen(0, '127.0.0.1', async () => {
      require(${JSON.stringify(AGENTS)}).installProxyAgents('http://scr%40per:s3cret@127.0.0.1:' + proxy.address().port);
      const get = (mod, url, options = {}) => new Promise((resolve) => mod.get(url, options, (res) => { let body = ''; res.on('data', (c) => (body += c)); res.on('end', () => resolve(body)); }).on('error', (e) => resolve('error: ' + e.message)));
      const results = { http: await get(http, 'http://plain.invalid/page?x=1') };
      if (${tls}) {
        results.https = await get(https, 'https://secure.invalid/inside', { rejectUnauthorized: false });
        results.refused = await get(https, 'https://refused.invalid/', { rejectUnauthorized: false });
      }
      // The script's own loopback stays direct.
      results.local = await get(http, 'http://127.0.0.1:' + site.address().port + '/direct');
      console.log(JSON.stringify({ results, carried }));
      process.exit(0);
    });
  }
});`;

test("http requests go to the agent's proxy as absolute URLs with its credentials; https ones through a CONNECT tunnel; a refused tunnel is an error; loopback stays direct", () => {
  const child = spawnSync(process.execPath, ['-e', CHILD(openssl)], { encoding: 'utf8', timeout: 20_000 });
  const { results, carried } = JSON.parse(child.stdout) as { results: Record<string, string>; carried: string[] };
  const auth = `Basic ${Buffer.from('scr@per:s3cret').toString('base64')}`;
  expect(results.http).toBe('site says /page');
  expect(results.local).toBe('site says /direct');
  expect(carried).toContain(`GET http://plain.invalid/page?x=1 ${auth}`);
  if (openssl) {
    expect(results.https).toBe('secure site says /inside');
    expect(results.refused).toBe("error: The agent's proxy refused the tunnel to refused.invalid:443 (403)");
    expect(carried).toContain(`CONNECT secure.invalid:443 ${auth}`);
  }
  expect(carried.some((line) => line.includes('/direct'))).toBe(false);
});
