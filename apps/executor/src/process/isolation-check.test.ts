import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkIsolation, describeIsolation } from './isolation-check.js';
import { DEFAULT_RUN_USER } from './run-user.js';

const asRoot = process.getuid?.() === 0 ? test : test.skip;
const noSandbox = async () => 'none' as const;
const sandbox = async () => 'bubblewrap' as const;

test.each(['auto', 'bubblewrap'] as const)(
  'AGENTRY_ISOLATION=%s without a usable sandbox: the executor does not start, and is told what to install or set',
  async (isolation) => {
    const problems = await checkIsolation({ isolation, runUser: DEFAULT_RUN_USER, folders: [] }, noSandbox);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^AGENTRY_ISOLATION=${isolation} runs every script in a bubblewrap sandbox, and none is usable here`));
    expect(problems[0]).toContain('AGENTRY_ISOLATION=none');
  },
);

test('only an explicit AGENTRY_ISOLATION=none runs without a sandbox; a usable sandbox passes', async () => {
  expect(await checkIsolation({ isolation: 'none', runUser: DEFAULT_RUN_USER, folders: [] }, noSandbox)).toEqual([]);
  expect(await checkIsolation({ isolation: 'auto', runUser: DEFAULT_RUN_USER, folders: [] }, sandbox)).toEqual([]);
});

asRoot('a work or storage folder the run user cannot pass through is named, with the folder that blocks it', async () => {
  const closed = mkdtempSync(join(tmpdir(), 'agentry-closed-')); // mode 0700, root's
  try {
    mkdirSync(join(closed, 'work'));
    const problems = await checkIsolation({ isolation: 'none', runUser: DEFAULT_RUN_USER, folders: [['AGENTRY_WORK_DIR', join(closed, 'work')]] }, sandbox);
    expect(problems).toEqual([
      `AGENTRY_WORK_DIR (${join(closed, 'work')}): the run user (uid 65534) cannot reach it: ${closed} gives it no search (x) permission; choose another folder or \`chmod o+x ${closed}\``,
    ]);
  } finally {
    rmSync(closed, { recursive: true, force: true });
  }
});

test('the start-up line says which isolation runs, as whom, with which limits', async () => {
  const none = await describeIsolation({ isolation: 'none', runUser: DEFAULT_RUN_USER });
  expect(none).toMatch(/^isolation none: scripts run WITHOUT a sandbox, as /);
  const sandboxed = await describeIsolation({ isolation: 'auto', runUser: DEFAULT_RUN_USER });
  expect(sandboxed).toMatch(
    /^isolation bubblewrap \(AGENTRY_ISOLATION=auto\): scripts run sandboxed, as .*, network .*, with (per-run cgroup|per-process rlimits)/,
  );
});
