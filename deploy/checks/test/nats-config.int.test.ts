// The NATS configuration the overlays ship, run by a real nats-server with the credentials
// make-secrets.sh generates: the services' NATS_URL logs in, a wrong or missing password is
// refused, and the ha cluster's include chain parses. Debian's nats-server is 2.9, which lacks
// `sync_interval` (2.10+, what the image pins): that one line is dropped here, and addresses,
// ports and folders are moved to this test's own.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { ensureNatsServerBinary, freePort } from '@agentry/local-servers';
import { renderOverlay, type K8sObject } from '../src/render.js';
import { generateSecrets } from '../src/secrets.js';

const generated = generateSecrets();
let dir: string;
let server: ChildProcess | undefined;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'agentry-nats-config-'));
});
afterAll(() => {
  server?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Writes the overlay's nats-config ConfigMap and the generated nats-auth Secret as the pod mounts them. */
function layOut(overlay: string, port: number, monitorPort: number): string {
  const root = join(dir, overlay);
  const config = renderOverlay(overlay).find((o: K8sObject) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('nats-config')) as K8sObject & {
    data: Record<string, string>;
  };
  mkdirSync(join(root, 'conf'), { recursive: true });
  mkdirSync(join(root, 'auth'), { recursive: true });
  for (const [name, text] of Object.entries(config.data)) {
    const local = text
      .replace(/^\s*sync_interval:.*$/m, '')
      .replace('listen: 0.0.0.0:4222', `listen: 127.0.0.1:${port}`)
      .replace('http: 127.0.0.1:8222', `http: 127.0.0.1:${monitorPort}`)
      .replace('listen: 0.0.0.0:6222', 'listen: 127.0.0.1:-1')
      .replace('store_dir: /data', `store_dir: ${join(root, 'data')}`)
      .replace('pid_file: /var/run/nats/nats.pid', `pid_file: ${join(root, 'nats.pid')}`);
    writeFileSync(join(root, 'conf', name), local);
  }
  for (const [name, text] of Object.entries(generated.get('agentry/nats-auth')!)) writeFileSync(join(root, 'auth', name), text, { mode: 0o600 });
  return join(root, 'conf/nats.conf');
}

test("small: nats-server runs the shipped config; each service's generated login works and is held to its subjects, a wrong or no password is refused", async () => {
  const binary = await ensureNatsServerBinary();
  const port = await freePort();
  const conf = layOut('small', port, await freePort());
  server = spawn(binary, ['-c', conf], { env: { ...process.env, POD_NAME: 'nats-0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let log = '';
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('Server is ready')) resolve();
    };
    server!.stdout!.on('data', onData);
    server!.stderr!.on('data', onData);
    server!.once('exit', (code) => reject(new Error(`nats-server exited (${code}):\n${log}`)));
  });
  const servers = `nats://127.0.0.1:${port}`;
  const logins = [...generated.values()]
    .flatMap((keys) => Object.entries(keys).filter(([key]) => key.startsWith('NATS_URL_')))
    .map(([, value]) => new URL(value));
  for (const url of logins) {
    const nc = await connect({ servers, user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) });
    await nc.flush();
    await nc.close();
  }
  // users.conf holds each user to its subjects (libs/contracts nats-permissions): the executor may
  // use JetStream, the gateway only read LIFECYCLE (its SSE stream): not the internal EVENTS stream.
  const as = async (key: string, secret = 'agentry/agentry-secrets') => {
    const url = new URL(generated.get(secret)![key]);
    const user = decodeURIComponent(url.username);
    return connect({ servers, user, pass: decodeURIComponent(url.password), inboxPrefix: `_INBOX.${user}` });
  };
  const executor = await as('NATS_URL_EXECUTOR', 'agentry-executor/agentry-secrets');
  expect((await executor.request('$JS.API.INFO', '', { timeout: 5000 })).json()).toHaveProperty('type', 'io.nats.jetstream.api.v1.account_info_response');
  await executor.close();
  const gateway = await as('NATS_URL_GATEWAY');
  await expect(gateway.request('$JS.API.STREAM.INFO.EVENTS', '', { timeout: 5000 })).rejects.toThrow(/Permissions Violation/);
  await expect(gateway.request('launches.1', '', { timeout: 5000 })).rejects.toThrow(/Permissions Violation/);
  await gateway.close();
  // The read-only subscriber login (password in nats-auth/subscriber.conf): LIFECYCLE, nothing else.
  const subscriberPassword = /password: "([^"]+)"/.exec(generated.get('agentry/nats-auth')!['subscriber.conf']!)![1]!;
  const subscriber = await connect({ servers, user: 'subscriber', pass: subscriberPassword, inboxPrefix: '_INBOX.subscriber' });
  expect((await subscriber.request('$JS.API.INFO', '', { timeout: 5000 })).json()).toHaveProperty('type', 'io.nats.jetstream.api.v1.account_info_response');
  await expect(subscriber.request('$JS.API.STREAM.INFO.EVENTS', '', { timeout: 5000 })).rejects.toThrow(/Permissions Violation/);
  await expect(subscriber.request('registry.agents.fetch', '', { timeout: 5000 })).rejects.toThrow(/Permissions Violation/);
  await subscriber.close();
  const url = new URL(generated.get('agentry/agentry-secrets')!.NATS_URL_GATEWAY);
  await expect(connect({ servers, user: decodeURIComponent(url.username), pass: 'not-the-password', reconnect: false })).rejects.toThrow(
    /Authorization Violation/i,
  );
  await expect(connect({ servers, reconnect: false })).rejects.toThrow(/Authorization Violation/i);
});

test('ha: the cluster configuration with the generated route credentials is a valid nats-server configuration', async () => {
  const binary = await ensureNatsServerBinary();
  const conf = layOut('ha', await freePort(), await freePort());
  const check = spawnSync(binary, ['-c', conf, '-t'], { encoding: 'utf8', env: { ...process.env, POD_NAME: 'nats-0' } });
  expect([check.status, `${check.stdout}${check.stderr}`]).toEqual([0, expect.stringContaining('is valid')]);
});
