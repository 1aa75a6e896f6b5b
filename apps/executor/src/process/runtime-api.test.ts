import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { bubblewrapUsable, runScript, scratch, type TestIsolation } from './run-script.test-kit.js';
import type { RuntimeRequest } from './types.js';

/** The executor's side of the round trips: fixed answers, and one failure with a domain code. */
async function answer(req: RuntimeRequest): Promise<unknown> {
  switch (req.kind) {
    case 'getAgentObject':
      if (req.agentId === 13) throw Object.assign(new Error('Agent not found'), { code: 'NOT_FOUND' });
      return req.agentId === 9 ? '{"other":true}' : '{"runs":1}';
    case 'getGlobalObject':
      return '{"shared":2}';
    case 'saved':
      return req.path === 'custom.txt' ? 'https://files.example/custom.txt' : null;
    case 'mail':
      // The runtime's request as the executor forwards it (runs/script-notifications.ts).
      if (req.subject !== 'subject' || req.text !== 'text' || req.to !== null)
        throw Object.assign(new Error(JSON.stringify(req)), { code: 'UNEXPECTED_REQUEST' });
      return null;
    default:
      return null;
  }
}

/** Every file under `dir`, relative path → content. */
function filesIn(dir: string, prefix = ''): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const relative = prefix + entry.name;
    if (entry.isDirectory()) Object.assign(files, filesIn(join(dir, entry.name), `${relative}/`));
    else files[relative] = readFileSync(join(dir, entry.name), 'utf8');
  }
  return files;
}

const PROMISE_STYLE = `
  import { buster } from '@agentry/runtime';
  import phantombuster from 'phantombuster';
  import fs from 'node:fs';
  const out = {};
  out.props = { argument: buster.argument, agentId: buster.agentId, containerId: buster.containerId, apiKey: buster.apiKey,
    proxyAddress: buster.proxyAddress, retryCount: buster.retryCount, maxRetries: buster.maxRetries, same: phantombuster.create() === buster };
  buster.progressHint(1.5, 'x'.repeat(60));
  await buster.setResultObject({ done: true });
  await buster.message('hello', 'info');
  out.agent = await buster.getAgentObject();
  out.other = await buster.getAgentObject(9);
  out.missing = await buster.getAgentObject(13).catch((error) => ({ code: error.code, message: error.message }));
  await buster.setAgentObject({ runs: 2 });
  out.global = await buster.getGlobalObject();
  await buster.setGlobalObject({ shared: 3 });
  await buster.overrideTimeLimit(120);
  out.left = await buster.getTimeLeft();
  out.text = await buster.saveText('hi', 'notes/a.txt', 'text/plain');
  out.base64 = await buster.saveBase64('data:text/plain;base64,' + Buffer.from('from base64').toString('base64'), 'b.txt');
  fs.writeFileSync('local.txt', 'local file');
  out.local = await buster.save('local.txt', 'copies/');
  fs.mkdirSync('dir'); fs.writeFileSync('dir/x.txt', 'in a folder');
  out.folder = await buster.saveFolder('dir', 'saved-dir');
  out.custom = await buster.saveText('custom', 'custom.txt');
  out.escape = await buster.saveText('x', '../escape.txt').catch((error) => error.code);
  out.mail = await buster.mail('subject', 'text').then(() => 'sent', (error) => error.code);
  if (buster.argument.url) {
    out.remote = await buster.save(buster.argument.url + '/remote.txt', 'web/');
    out.download = await buster.download(buster.argument.url + '/remote.txt');
    out.downloaded = fs.readFileSync(out.download, 'utf8');
  }
  console.log(JSON.stringify(out));`;

const CALLBACK_STYLE = `
  const buster = require('phantombuster').create();
  const same = require('agentry').create() === buster && require('@agentry/runtime').buster === buster;
  const out = { same };
  const step = (name, next) => (err, value) => { out[name] = err ? { code: err.code, message: err.message } : value === undefined ? 'ok' : value; next(); };
  const steps = [
    (next) => buster.setResultObject({ style: 'callback' }, step('result', next)),
    (next) => buster.message('careful', 'warning', step('message', next)),
    (next) => buster.getAgentObject(step('agent', next)),
    (next) => buster.getAgentObject(9, step('other', next)),
    (next) => buster.getAgentObject(13, step('missing', next)),
    (next) => buster.setAgentObject({ runs: 2 }, step('setAgent', next)),
    (next) => buster.getGlobalObject(step('global', next)),
    (next) => buster.setGlobalObject({ shared: 3 }, step('setGlobal', next)),
    (next) => buster.overrideTimeLimit(120, step('override', next)),
    (next) => buster.getTimeLeft(step('left', next)),
    (next) => buster.saveText('hi', 'notes/a.txt', 'text/plain', step('text', next)),
    (next) => buster.saveBase64(Buffer.from('from base64').toString('base64'), 'b.txt', step('base64', next)),
    (next) => { require('fs').writeFileSync('local.txt', 'local file'); buster.save('local.txt', 'copies/', step('local', next)); },
    (next) => { require('fs').mkdirSync('dir'); require('fs').writeFileSync('dir/x.txt', 'in a folder'); buster.saveFolder('dir', 'saved-dir', step('folder', next)); },
    (next) => buster.saveText('x', '../escape.txt', step('escape', next)),
  ];
  buster.progressHint(0.25, 'quarter');
  (function run(i) { if (i < steps.length) steps[i](() => run(i + 1)); else console.log(JSON.stringify(out)); })(0);`;

const SAVED_FILES = {
  'notes/a.txt': 'hi',
  'b.txt': 'from base64',
  'copies/local.txt': 'local file',
  'saved-dir/x.txt': 'in a folder',
};

describe.each(['none', 'bubblewrap'] as TestIsolation[])('the script API (%s)', (isolation) => {
  const maybe = isolation === 'bubblewrap' && !bubblewrapUsable ? test.skip : test;
  /**
   * Where the script fetches remote files from. A sandbox reaches no address of this host (nor
   * any private one: egress rules), so its remote saves are not tried here; egress.test.ts shows
   * what a sandbox reaches, in network namespaces of its own.
   */
  const remoteHost = isolation === 'none' ? '127.0.0.1' : undefined;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    server = createServer((request, response) => response.end(`remote file at ${request.url}`));
    server.listen(0, '0.0.0.0');
    await once(server, 'listening');
    url = `http://${remoteHost}:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => server.close());

  maybe('promise style from an ES module: every method round-trips', async () => {
    const folders = scratch();
    try {
      // Remote saves need network: a sandbox has some only through slirp4netns.
      const argument = remoteHost ? { url } : { offline: true };
      const result = await runScript(isolation, PROMISE_STYLE, {
        ...folders,
        scriptName: 'promise.mjs',
        agentId: 7,
        containerId: 41,
        retryNumber: 2,
        maxRetries: 3,
        apiKey: 'rk_41_AAAAAAAAAAAAAAAAAAAAAAAA',
        proxyAddress: 'http://proxy:3128',
        argument,
        onRequest: answer,
      });
      expect(result.outcome).toMatchObject({ reason: 'exited', exitCode: 0 });
      const out = JSON.parse(result.output.toString());
      expect(out).toMatchObject({
        props: {
          argument,
          agentId: 7,
          containerId: 41,
          apiKey: 'rk_41_AAAAAAAAAAAAAAAAAAAAAAAA',
          proxyAddress: 'http://proxy:3128',
          retryCount: 2,
          maxRetries: 3,
          same: true,
        },
        agent: { runs: 1 },
        other: { other: true },
        missing: { code: 'NOT_FOUND', message: 'Agent not found' },
        global: { shared: 2 },
        left: expect.any(Number),
        text: '/api/v1/agent/7/storage/notes/a.txt',
        base64: '/api/v1/agent/7/storage/b.txt',
        local: '/api/v1/agent/7/storage/copies/local.txt',
        folder: '/api/v1/agent/7/storage/saved-dir',
        custom: 'https://files.example/custom.txt',
        escape: 'INVALID_PATH',
        mail: 'sent',
      });
      expect(filesIn(folders.storageDir)).toEqual({
        ...SAVED_FILES,
        'custom.txt': 'custom',
        ...(remoteHost ? { 'web/remote.txt': 'remote file at /remote.txt' } : {}),
      });
      // overrideTimeLimit(120) counts from the run's start.
      expect(out.left).toBeGreaterThan(100);
      expect(out.left).toBeLessThanOrEqual(120);
      if (remoteHost) {
        expect(out).toMatchObject({ remote: '/api/v1/agent/7/storage/web/remote.txt', downloaded: 'remote file at /remote.txt' });
        expect(out.download).toBe(isolation === 'none' ? join(folders.workRoot, '41', 'remote.txt') : '/work/remote.txt');
      }
      expect(result.requests).toEqual([
        { kind: 'progressHint', progress: 1, label: 'x'.repeat(50) },
        { kind: 'setResultObject', resultObject: '{"done":true}' },
        { kind: 'message', text: 'hello', type: 'info' },
        { kind: 'getAgentObject' },
        { kind: 'getAgentObject', agentId: 9 },
        { kind: 'getAgentObject', agentId: 13 },
        { kind: 'setAgentObject', agentObject: '{"runs":2}' },
        { kind: 'getGlobalObject' },
        { kind: 'setGlobalObject', globalObject: '{"shared":3}' },
        { kind: 'overrideTimeLimit', seconds: 120 },
        { kind: 'saved', path: 'notes/a.txt' },
        { kind: 'saved', path: 'b.txt' },
        { kind: 'saved', path: 'copies/local.txt' },
        { kind: 'saved', path: 'saved-dir' },
        { kind: 'saved', path: 'custom.txt' },
        { kind: 'mail', subject: 'subject', text: 'text', to: null },
        ...(remoteHost ? [{ kind: 'saved', path: 'web/remote.txt' }] : []),
      ]);
    } finally {
      folders.cleanup();
    }
  });

  maybe('callback style from CommonJS (the classic require("phantombuster").create()): every method round-trips', async () => {
    const folders = scratch();
    try {
      const result = await runScript(isolation, CALLBACK_STYLE, { ...folders, scriptName: 'classic.js', onRequest: answer });
      expect(result.outcome).toMatchObject({ reason: 'exited', exitCode: 0 });
      const out = JSON.parse(result.output.toString());
      expect(out.left).toBeGreaterThan(100);
      expect(out).toEqual({
        same: true,
        result: 'ok',
        message: 'ok',
        agent: { runs: 1 },
        other: { other: true },
        missing: { code: 'NOT_FOUND', message: 'Agent not found' },
        setAgent: 'ok',
        global: { shared: 2 },
        setGlobal: 'ok',
        override: 'ok',
        left: expect.any(Number),
        text: '/api/v1/agent/7/storage/notes/a.txt',
        base64: '/api/v1/agent/7/storage/b.txt',
        local: '/api/v1/agent/7/storage/copies/local.txt',
        folder: '/api/v1/agent/7/storage/saved-dir',
        escape: { code: 'INVALID_PATH', message: '"../escape.txt" leaves the storage folder' },
      });
      expect(filesIn(folders.storageDir)).toEqual(SAVED_FILES);
      expect(result.requests[0]).toEqual({ kind: 'progressHint', progress: 0.25, label: 'quarter' });
      expect(result.requests.map((req) => req.kind)).toEqual([
        'progressHint',
        'setResultObject',
        'message',
        'getAgentObject',
        'getAgentObject',
        'getAgentObject',
        'setAgentObject',
        'getGlobalObject',
        'setGlobalObject',
        'overrideTimeLimit',
        'saved',
        'saved',
        'saved',
        'saved',
      ]);
    } finally {
      folders.cleanup();
    }
  });

  maybe('a .js script written as an ES module runs as one and imports the runtime under its names', async () => {
    const script = `import agentry from 'agentry';\nimport { buster } from '@agentry/runtime';\nconsole.log(agentry.create() === buster, buster.containerId > 0);`;
    const result = await runScript(isolation, script, { scriptName: 'modern.js' });
    expect(result.output.toString()).toBe('true true\n');
  });

  maybe('malformed requests written to the channel never reach the executor; the channel keeps working', async () => {
    const script = `
      const fs = require('fs');
      const buster = require('phantombuster').create();
      const raw = (message) => fs.writeSync(3, JSON.stringify(message) + '\\n');
      raw({ t: 'req', id: 9001, req: { kind: 'setResultObject', resultObject: 5 } });
      raw({ t: 'req', id: 9002, req: { kind: 'dropDatabase' } });
      fs.writeSync(3, 'not json\\n');
      buster.setResultObject({ fine: true }).then(() => console.log('answered'));`;
    const result = await runScript(isolation, script);
    expect(result.output.toString()).toBe('answered\n');
    expect(result.requests).toEqual([{ kind: 'setResultObject', resultObject: '{"fine":true}' }]);
  });

  maybe('a script that exits right after a synchronous progressHint still delivers it', async () => {
    const result = await runScript(isolation, `require('phantombuster').create().progressHint(0.5, 'half'); process.exit(0);`);
    expect(result.requests).toEqual([{ kind: 'progressHint', progress: 0.5, label: 'half' }]);
  });
});
