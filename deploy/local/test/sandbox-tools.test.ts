import { jest } from '@jest/globals';
import { ensureSandboxTools, findBinary } from '../lib/sandbox-tools.mjs';

const asRoot = process.getuid?.() === 0 ? test : test.skip;

test('isolation none: nothing is installed, and the line says scripts run without a sandbox', async () => {
  const install = jest.fn();
  const line = await ensureSandboxTools({ isolation: 'none', find: () => undefined, install });
  expect(line).toMatch(/^Sandbox: +NONE \(AGENTRY_ISOLATION=none\)/);
  expect(install).not.toHaveBeenCalled();
});

test('with bwrap and slirp4netns present nothing is installed; the line names bubblewrap and the network', async () => {
  const install = jest.fn();
  const line = await ensureSandboxTools({ isolation: 'auto', find: (name: string) => `/usr/bin/${name}`, install });
  expect(line).toBe('Sandbox:  bubblewrap (AGENTRY_ISOLATION=auto), network through slirp4netns, scripts as an unprivileged user');
  expect(install).not.toHaveBeenCalled();
});

asRoot('as root with apt-get, missing tools are installed by their Debian package names', async () => {
  const present = new Set(['apt-get']);
  const install = jest.fn(async (packages: string[]) => {
    for (const pkg of packages) present.add(pkg === 'bubblewrap' ? 'bwrap' : pkg);
  });
  const lines: string[] = [];
  const line = await ensureSandboxTools({
    isolation: 'auto',
    find: (name: string) => (present.has(name) ? `/usr/bin/${name}` : undefined),
    install,
    log: (l: string) => lines.push(l),
  });
  expect(install).toHaveBeenCalledWith(['bubblewrap', 'slirp4netns'], expect.any(Function));
  expect(line).toMatch(/^Sandbox: +bubblewrap/);
  expect(lines[0]).toMatch(/installing bubblewrap slirp4netns with apt-get/);
});

test('without bwrap (and no way to install it) the line and the log say the executor will not start, and what to do', async () => {
  const lines: string[] = [];
  const line = await ensureSandboxTools({ isolation: 'auto', find: () => undefined, install: jest.fn(), log: (l: string) => lines.push(l) });
  expect(line).toMatch(/bubblewrap MISSING/);
  expect(lines.join('\n')).toMatch(/apt-get install bubblewrap slirp4netns.*AGENTRY_ISOLATION=none/);
});

test('findBinary looks on PATH, then in the system folders', () => {
  expect(findBinary('sh', { PATH: '/nonexistent' })).toMatch(/\/sh$/);
  expect(findBinary('no-such-binary-agentry', { PATH: '/nonexistent' })).toBeUndefined();
});
