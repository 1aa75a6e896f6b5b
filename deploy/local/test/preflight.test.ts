import fs from 'node:fs/promises';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { preflightProblems } from '../lib/preflight.mjs';

const external = { databaseUrl: 'postgres://u:p@db/agentry', dataDir: '/unused' };

test('a taken port is reported with a free one to try; a free port is fine', async () => {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    expect(await preflightProblems({ ...external, host: '127.0.0.1', port })).toEqual([
      `PORT ${port} is already in use on 127.0.0.1: stop what uses it, or set PORT to a free port (e.g. PORT=${port + 1})`,
    ]);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
  expect(await preflightProblems({ ...external, host: '127.0.0.1', port })).toEqual([]);
});

test('a HOST that is not this machine is reported', async () => {
  const [problem] = await preflightProblems({ ...external, host: '192.0.2.1', port: 3000 });
  expect(problem).toMatch(/^HOST 192\.0\.2\.1 is not an address of this machine: set HOST=127\.0\.0\.1/);
});

const asRoot = process.getuid?.() === 0 ? test : test.skip;
asRoot('as root, only an existing cluster the postgres user cannot reach is reported before anything starts (a new one is placed elsewhere)', async () => {
  const closed = await fs.mkdtemp(path.join(os.tmpdir(), 'agentry-closed-'));
  await fs.chmod(closed, 0o700);
  const dataDir = path.join(closed, 'data');
  try {
    expect(await preflightProblems({ host: '127.0.0.1', port: 0, dataDir })).toEqual([]);
    await fs.mkdir(path.join(dataDir, 'postgres'), { recursive: true });
    expect(await preflightProblems({ host: '127.0.0.1', port: 0, dataDir })).toEqual([]); // empty: replaced by a link at start
    await fs.writeFile(path.join(dataDir, 'postgres', 'PG_VERSION'), '18\n');
    const problems = await preflightProblems({ host: '127.0.0.1', port: 0, dataDir });
    expect(problems).toEqual([expect.stringContaining(`cannot enter ${closed}, above the existing cluster in ${dataDir}/postgres: move that folder`)]);
    await fs.chmod(closed, 0o755);
    expect(await preflightProblems({ host: '127.0.0.1', port: 0, dataDir })).toEqual([]);
  } finally {
    await fs.rm(closed, { recursive: true, force: true });
  }
});
