import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ensureNatsServerBinary, freePort, renderNatsAuthorization, startEmbeddedPostgres, startNatsServer } from './index.js';
import { postgresBinaries, postgresOsUser } from './postgres-binaries.js';

const run = promisify(execFile);

let workDir: string;
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'agentry-local-servers-test-'));
  await chmod(workDir, 0o755); // as root, Postgres runs as the OS user postgres, who must enter it
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

async function queryOnce(url: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

function occupy(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('freePort', () => {
  it('answers a port that can be listened on', async () => {
    const server = await occupy(await freePort());
    server.close();
  });
});

describe('startEmbeddedPostgres', () => {
  it('initialises an empty folder, creates the database, and keeps the data across restarts', async () => {
    const dataDir = join(workDir, 'pg');
    const options = { dataDir, port: await freePort(), user: 'agentry', password: 's3cret', database: 'app', ephemeral: true };
    const first = await startEmbeddedPostgres(options);
    expect(first.url).toBe(`postgres://agentry:s3cret@127.0.0.1:${options.port}/app`);
    await queryOnce(first.url, 'CREATE TABLE kept (id int); INSERT INTO kept VALUES (42)');
    await first.stop();

    const second = await startEmbeddedPostgres(options);
    try {
      expect((await queryOnce(second.url, 'SELECT id FROM kept')).rows).toEqual([{ id: 42 }]);
      const wrongPassword = second.url.replace('s3cret', 'wrong');
      await expect(queryOnce(wrongPassword, 'SELECT 1')).rejects.toThrow(/password authentication failed/);
    } finally {
      await second.stop();
    }
  });

  it('says which folder the postgres OS user cannot enter', async () => {
    if (process.getuid?.() !== 0) return; // only root hands the server to another OS user
    const closed = await mkdtemp(join(tmpdir(), 'agentry-closed-')); // mode 0700, owned by root
    try {
      await expect(startEmbeddedPostgres({ dataDir: join(closed, 'pg'), port: await freePort() })).rejects.toThrow(`cannot enter ${closed}`);
    } finally {
      await rm(closed, { recursive: true, force: true });
    }
  });

  // The newcomer's case: root, the repository cloned under /root (0700). Postgres runs as the OS
  // user postgres, which can't execute anything below /root (`spawn …/initdb EACCES`).
  it('as root, starts from binaries installed in a root-only 0700 folder by running a root-owned 0755 copy', async () => {
    if (process.getuid?.() !== 0) return; // only root hands the server to another OS user
    const installed = await postgresBinaries();
    const home = join(workDir, 'root-home');
    await mkdir(home, { mode: 0o700 });
    await chmod(home, 0o700);
    const packageDir = join(installed.postgres, '..', '..', '..');
    await run('cp', ['-a', '--link', join(packageDir, 'native'), join(packageDir, 'package.json'), home]);
    const hidden = { initdb: join(home, 'native', 'bin', 'initdb'), postgres: join(home, 'native', 'bin', 'postgres') };

    // Control: the binaries as installed cannot be run by the postgres user at all.
    const postgresUser = (await postgresOsUser())!;
    await expect(run(hidden.initdb, ['--version'], { uid: postgresUser.uid, gid: postgresUser.gid, cwd: '/' })).rejects.toMatchObject({ code: 'EACCES' });

    const copies = join(workDir, 'binaries');
    const options = { dataDir: join(workDir, 'pg-from-root-home'), port: await freePort(), ephemeral: true, binaries: hidden, reachableBinariesRoot: copies };
    const server = await startEmbeddedPostgres(options);
    try {
      expect((await queryOnce(server.url, 'SELECT 1 AS up')).rows).toEqual([{ up: 1 }]);
    } finally {
      await server.stop();
    }
    const { version } = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as { version: string };
    const copy = await stat(join(copies, `postgres-${version}`));
    expect({ uid: copy.uid, mode: copy.mode & 0o777 }).toEqual({ uid: 0, mode: 0o755 });
    // A second start reuses the copy (and a data folder already initialised).
    const again = await startEmbeddedPostgres(options);
    await again.stop();
  });

  it('refuses a non-empty folder that holds no cluster', async () => {
    const dataDir = join(workDir, 'not-a-cluster');
    await mkdir(dataDir, { recursive: true });
    await writeFile(join(dataDir, 'something'), 'x');
    await expect(startEmbeddedPostgres({ dataDir, port: await freePort() })).rejects.toThrow(/holds no Postgres cluster/);
  });
});

describe('nats-server', () => {
  it('finds nats-server on PATH first', async () => {
    const binDir = join(workDir, 'bin');
    await mkdir(binDir, { recursive: true });
    const fake = join(binDir, 'nats-server');
    await writeFile(fake, '#!/bin/sh\n');
    await chmod(fake, 0o755);
    const savedPath = process.env.PATH;
    process.env.PATH = `${binDir}:${savedPath}`;
    try {
      expect(await ensureNatsServerBinary()).toBe(fake);
    } finally {
      process.env.PATH = savedPath;
    }
  });

  it('starts with JetStream on the port and stops', async () => {
    const port = await freePort();
    const server = await startNatsServer({ port, storeDir: join(workDir, 'nats') });
    expect(server.url).toBe(`nats://127.0.0.1:${port}`);
    const { connect } = await import('@nats-io/transport-node');
    const { jetstreamManager } = await import('@nats-io/jetstream');
    const nc = await connect({ servers: server.url });
    expect((await (await jetstreamManager(nc)).getAccountInfo()).streams).toBe(0);
    await nc.close();
    await server.stop();
    (await occupy(port)).close(); // the port is free again
  });

  it('with users: each logs in with its own password, held to its permissions; passwords never on the command line', async () => {
    const port = await freePort();
    const storeDir = join(workDir, 'nats-auth');
    const users = [
      { user: 'reader', password: 'pw-reader-"quoted"', permissions: { publish: ['$JS.API.INFO'], subscribe: ['_INBOX.reader.>'] } },
      { user: 'admin', password: 'pw-admin' },
    ];
    const server = await startNatsServer({ port, storeDir, auth: { users } });
    const { connect } = await import('@nats-io/transport-node');
    try {
      expect(server.url).toBe(`nats://127.0.0.1:${port}`);
      expect(server.urlFor('reader')).toBe(`nats://reader:${encodeURIComponent('pw-reader-"quoted"')}@127.0.0.1:${port}`);
      const commandLine = await readFile(`/proc/${server.pid}/cmdline`, 'utf8');
      for (const { password } of users) expect(commandLine).not.toContain(password);
      expect((await stat(join(storeDir, 'auth.conf'))).mode & 0o777).toBe(0o600);

      await expect(connect({ servers: server.url, reconnect: false, timeout: 2000 })).rejects.toThrow(/Authorization Violation/);
      const reader = await connect({ servers: server.url, user: 'reader', pass: 'pw-reader-"quoted"', inboxPrefix: '_INBOX.reader' });
      const { jetstreamManager } = await import('@nats-io/jetstream');
      expect((await (await jetstreamManager(reader)).getAccountInfo()).streams).toBe(0);
      await expect(reader.request('anything', '', { timeout: 2000 })).rejects.toThrow(/Permissions Violation for Publish to "anything"/);
      await reader.close();
    } finally {
      await server.stop();
    }
  });

  it('renders a user whose password is included from another file (a mounted Secret): nats-server reads it from there', async () => {
    const dir = join(workDir, 'nats-include');
    await mkdir(join(dir, 'conf'), { recursive: true });
    await mkdir(join(dir, 'auth'), { recursive: true });
    const conf = renderNatsAuthorization({
      users: [{ user: 'gateway', passwordInclude: '../auth/gateway.conf', permissions: { publish: ['a'], subscribe: ['_INBOX.gateway.>'] } }],
    });
    expect(conf).toContain('include "../auth/gateway.conf"');
    expect(conf).not.toContain('password');
    const port = await freePort();
    await writeFile(join(dir, 'conf/nats.conf'), `listen: 127.0.0.1:${port}\n${conf}`);
    await writeFile(join(dir, 'auth/gateway.conf'), 'password: "from-the-secret"\n', { mode: 0o600 });
    const check = await run(await ensureNatsServerBinary(), ['-c', join(dir, 'conf/nats.conf'), '-t']).catch((e) => e);
    expect(`${check.stdout}${check.stderr}`).toContain('is valid');
    await rm(join(dir, 'auth/gateway.conf'));
    const missing = await run(await ensureNatsServerBinary(), ['-c', join(dir, 'conf/nats.conf'), '-t']).catch((e) => e);
    expect(`${missing.stdout}${missing.stderr}`).toMatch(/gateway\.conf.*no such file/);
  });

  it('fails with the server output when the port is taken', async () => {
    const port = await freePort();
    const blocker = await occupy(port);
    try {
      await expect(startNatsServer({ port, storeDir: join(workDir, 'nats-busy') })).rejects.toThrow(/address already in use/);
    } finally {
      blocker.close();
    }
  });
});
