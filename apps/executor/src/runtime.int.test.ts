import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Subjects, type ReadStoredFileParams } from '@agentry/contracts';
import { isolationAvailable } from './process/index.js';
import { messagesOf, startExecutorTestbed, type ExecutorTestbed } from './testing/executor-harness.js';

/**
 * What a script sees and asks, end to end through the executor, the registry and the event store,
 * with and without the bubblewrap sandbox (where this machine can run it).
 */
const isolations: ('none' | 'bubblewrap')[] = (await isolationAvailable()) === 'bubblewrap' ? ['none', 'bubblewrap'] : ['none'];

beforeAll(() => {
  // The platform's own settings are in the executor's environment: the script must see none of them.
  process.env.DATABASE_URL = 'postgres://platform:secret@127.0.0.1:5432/agentry';
  process.env.AGENTRY_SECRET_KEY = 'should-never-reach-a-script';
});

afterAll(() => {
  delete process.env.DATABASE_URL;
  delete process.env.AGENTRY_SECRET_KEY;
});

const CLASSIC_SCRIPT = `
const buster = require('phantombuster').create();
const fail = (e) => { console.error('FAILED ' + e.stack); process.exit(3); };
buster.getAgentObject((err, before) => {
  if (err) return fail(err);
  console.log('ARG ' + JSON.stringify(buster.argument) + ' IDS ' + buster.agentId + ' ' + buster.containerId + ' RETRY ' + buster.retryCount);
  console.log('ENV ' + JSON.stringify(process.env));
  buster.progressHint(0.5, 'half way');
  buster.setAgentObject({ runs: (before.runs || 0) + 1 }, (err) => {
    if (err) return fail(err);
    buster.setResultObject({ ok: true, echo: buster.argument.q }, (err) => {
      if (err) return fail(err);
      buster.message('from the script', 'info', (err) => (err ? fail(err) : console.log('DONE')));
    });
  });
});
`;

const PROMISE_SCRIPT = `
import { buster } from '@agentry/runtime';
const classic = (await import('agentry')).default.create();
await buster.setGlobalObject({ shared: buster.containerId });
const global = await classic.getGlobalObject();
const url = await buster.saveText('saved text', 'out/note.txt');
let refused = '';
await buster.getAgentObject(2147483000).catch((e) => (refused = e.message));
console.log(JSON.stringify({ global, url, same: buster === classic, refused }));
`;

describe.each(isolations)('isolation %s', (isolation) => {
  let bed: ExecutorTestbed;

  beforeAll(async () => {
    bed = await startExecutorTestbed({ config: { isolation } });
  });

  afterAll(async () => {
    await bed?.close();
  });

  test('classic callback API: argument, ids, progress, agent object, result object, messages; a scrubbed environment', async () => {
    const agentId = await bed.agentWithScript(CLASSIC_SCRIPT, { argument: { q: 'saved' }, agentObject: '{"runs":4}' });
    const { containerId } = await bed.launch({ agentId, argument: { q: 'given' }, bonusArgument: { extra: 1 } });
    const state = await bed.waitEnded(containerId);
    const output = (await bed.durableOutput(containerId)).toString('utf8');
    expect(state.ended).toMatchObject({ status: 'complete', exitCode: 0 });
    expect(output).toContain(`ARG {"q":"given","extra":1} IDS ${agentId} ${containerId} RETRY 0`);
    expect(output).toContain('DONE');

    const env = JSON.parse(/ENV (.*)/.exec(output)![1]!) as Record<string, string>;
    // Only what the runner sets (the shell that applies the OS limits adds PWD).
    expect(Object.keys(env).filter((name) => !['HOME', 'LANG', 'PATH', 'TMPDIR', 'PWD'].includes(name))).toEqual([]);
    expect(output).not.toContain('platform:secret');
    expect(output).not.toContain('should-never-reach-a-script');

    const events = await bed.containerEvents(containerId);
    expect(events.find((e) => e.type === 'ContainerResultObjectSet')?.data).toMatchObject({ resultObject: '{"ok":true,"echo":"given"}' });
    expect(events.find((e) => e.type === 'ContainerProgressed')?.data).toMatchObject({ progress: 0.5, label: 'half way' });
    expect(messagesOf(events).map((m) => m.text)).toEqual(['Agent started', 'from the script', 'Agent finished (success)']);
    const agent = await bed.rpc.request(Subjects.agents.fetch, { actor: bed.actor, params: { id: agentId, withAgentObject: true } });
    expect(JSON.parse(agent.agentObject ?? 'null')).toEqual({ runs: 5 });
  });

  test('promise API as an ES module: global object, saved files served back by URL (org-scoped); errors reach the script', async () => {
    // .mjs: the script runs as an ES module.
    const scriptId = await bed.saveScript('promise-api.mjs', PROMISE_SCRIPT);
    const agentId = (await bed.saveAgent({ scriptId })).id;
    const { containerId } = await bed.launch({ agentId });
    const state = await bed.waitEnded(containerId);
    const output = (await bed.durableOutput(containerId)).toString('utf8');
    expect(state.ended?.status === 'complete' ? 'complete' : output).toBe('complete');
    const seen = JSON.parse(output.trim().split('\n').at(-1)!);
    expect(seen).toEqual({ global: { shared: containerId }, url: `/api/v1/agent/${agentId}/storage/out/note.txt`, same: true, refused: 'Agent not found' });

    const read = (params: ReadStoredFileParams, actor = bed.actor) => bed.rpc.request(Subjects.executor.readStoredFile, { actor, params });
    const file = await read({ agentId, path: 'out/note.txt' });
    expect(Buffer.from(file.data, 'base64').toString()).toBe('saved text');
    expect(file).toMatchObject({ size: 10, offset: 0, contentType: 'text/plain; charset=utf-8' });
    expect((await read({ agentId, path: 'out/note.txt', offset: 6, maxBytes: 2 })).data).toBe(Buffer.from('te').toString('base64'));
    const stranger = await bed.newOrgActor();
    await expect(read({ agentId, path: 'out/note.txt' }, stranger)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(read({ agentId, path: '../x' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(read({ agentId, path: 'out/none.txt' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  test('fileMgmt folders: a folder per run, at most fileMgmtMaxFolders kept; delete empties the folder first', async () => {
    const script = `require('agentry').create().saveText(String(Date.now()), 'f.txt').then((url) => console.log(url));`;
    const agentId = await bed.agentWithScript(script, { fileMgmt: 'folders', fileMgmtMaxFolders: 2 });
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const { containerId } = await bed.launch({ agentId });
      await bed.waitEnded(containerId);
      ids.push(containerId);
      expect((await bed.durableOutput(containerId)).toString()).toBe(`/api/v1/agent/${agentId}/storage/${containerId}/f.txt\n`);
    }
    const read = (path: string) => bed.rpc.request(Subjects.executor.readStoredFile, { actor: bed.actor, params: { agentId, path } });
    await expect(read(`${ids[0]}/f.txt`)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(read(`${ids[1]}/f.txt`)).resolves.toMatchObject({ size: expect.any(Number) });
    await expect(read(`${ids[2]}/f.txt`)).resolves.toMatchObject({ size: expect.any(Number) });

    const deleting = await bed.agentWithScript(`const b = require('agentry').create(); b.saveText('x', 'run-' + b.containerId + '.txt');`, {
      fileMgmt: 'delete',
    });
    const first = await bed.launch({ agentId: deleting });
    await bed.waitEnded(first.containerId);
    const second = await bed.launch({ agentId: deleting });
    await bed.waitEnded(second.containerId);
    const readD = (path: string) => bed.rpc.request(Subjects.executor.readStoredFile, { actor: bed.actor, params: { agentId: deleting, path } });
    await expect(readD(`run-${first.containerId}.txt`)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(readD(`run-${second.containerId}.txt`)).resolves.toMatchObject({ size: 1 });
  });

  test('credentials reach only the script of the agent that has them', async () => {
    const script = `console.log(process.env.AGENT_CREDENTIALS || 'none')`;
    const withCredentials = await bed.agentWithScript(script, { credentials: { login: 'me', password: 'pw' } });
    const without = await bed.agentWithScript(script);
    const a = await bed.launch({ agentId: withCredentials });
    const b = await bed.launch({ agentId: without });
    await bed.waitEnded(a.containerId);
    await bed.waitEnded(b.containerId);
    expect(JSON.parse((await bed.durableOutput(a.containerId)).toString())).toEqual({ login: 'me', password: 'pw' });
    expect((await bed.durableOutput(b.containerId)).toString()).toBe('none\n');
  });

  test('a stored file is served only from inside its agent folder: a link planted there to elsewhere is not followed', async () => {
    const agentId = await bed.agentWithScript(`require('agentry').create().saveText('x', 'keep.txt')`);
    await bed.waitEnded((await bed.launch({ agentId })).containerId);
    const agent = await bed.rpc.request(Subjects.agents.fetch, { actor: bed.actor, params: { id: agentId } });
    await symlink('/etc/hostname', join(bed.config.storageDir, String(bed.actor.orgId), agent.storageFolder, 'leak'));
    const read = (path: string) => bed.rpc.request(Subjects.executor.readStoredFile, { actor: bed.actor, params: { agentId, path } });
    expect(Buffer.from((await read('keep.txt')).data, 'base64').toString()).toBe('x');
    await expect(read('leak')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  const sandboxed = isolation === 'bubblewrap' ? test : test.skip;
  sandboxed("the sandboxed script reaches neither the platform's Postgres nor its NATS", async () => {
    const ports = [new URL(bed.config.databaseUrl).port, new URL(bed.config.natsUrl).port].map(Number);
    const script = `
      const net = require('net');
      const tryPort = (port) => new Promise((resolve) => {
        const socket = net.connect({ host: '127.0.0.1', port, timeout: 2000 });
        socket.once('connect', () => { socket.destroy(); resolve('connected'); });
        socket.once('timeout', () => { socket.destroy(); resolve('timeout'); });
        socket.once('error', (e) => resolve(e.code));
      });
      Promise.all(${JSON.stringify(ports)}.map(tryPort)).then((r) => console.log(JSON.stringify(r)));`;
    const agentId = await bed.agentWithScript(script);
    const { containerId } = await bed.launch({ agentId });
    await bed.waitEnded(containerId);
    const results = JSON.parse((await bed.durableOutput(containerId)).toString()) as string[];
    expect(results).toHaveLength(2);
    expect(results).not.toContain('connected');
  });

  const unsandboxed = isolation === 'none' ? test : test.skip;
  unsandboxed('without a sandbox the script reaches NATS but is refused without the credentials it never gets', async () => {
    const natsPort = Number(new URL(bed.config.natsUrl).port);
    const script = `
      const socket = require('net').connect({ host: '127.0.0.1', port: ${natsPort} });
      let seen = '';
      socket.on('data', (chunk) => {
        seen += chunk.toString();
        if (seen.startsWith('INFO') && !socket.sent) {
          socket.sent = true;
          socket.write('CONNECT {"verbose":false,"pedantic":false}\\r\\nSUB > 1\\r\\nPING\\r\\n');
        }
      });
      socket.on('close', () => console.log(JSON.stringify(seen.includes('Authorization Violation') ? 'refused' : seen)));
      setTimeout(() => socket.destroy(), 3000);`;
    const agentId = await bed.agentWithScript(script);
    const { containerId } = await bed.launch({ agentId });
    await bed.waitEnded(containerId);
    expect(JSON.parse((await bed.durableOutput(containerId)).toString())).toBe('refused');
  });
});
