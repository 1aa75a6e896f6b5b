// The child side of egress.test.ts: runs ONE script through the real runner (startRun) from
// inside the test's network namespace, and prints the outcome and output as one JSON line.
// Started by runInNamespace() (network-namespaces.test-kit.ts) with the run's options as argv[2].
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCidrList, type Cidr } from './egress-rules.js';
import { DEFAULT_LIMITS } from './run-script.test-kit.js';
import { startRun } from './run.js';
import { runUserFor } from './run-user.js';
import { attachNetwork, describeSandboxNetwork } from './sandbox-network.js';

const options = JSON.parse(process.argv[2]!) as {
  script: string;
  proxyAddress?: string;
  /** AGENTRY_EGRESS_DENY's text. */
  egressDeny?: string;
  /** Ranges handed to the runner as they are (what the config would have refused): to make `ip` fail. */
  rawEgressDenied?: Cidr[];
  network?: 'auto' | 'internet' | 'none';
  /** Instead of a run: attachNetwork() aimed at this very process (a sandbox pid reused by a host process). */
  attachToSelf?: boolean;
};
if (options.attachToSelf) {
  const rules = () => execFileSync('ip', ['rule', 'list'], { encoding: 'utf8' });
  const before = rules();
  const error = await attachNetwork(process.pid).then(
    (network) => (network.close(), null),
    (error: Error) => error.message,
  );
  process.stdout.write(`${JSON.stringify({ error, rulesUnchanged: rules() === before })}\n`);
  process.exit(0);
}
const root = mkdtempSync(join(tmpdir(), 'agentry-egress-test-'));
// The run user (not root) must get through to its run folder; an unprivileged runner is the run user.
chmodSync(root, 0o755);
const chunks: Buffer[] = [];
try {
  const run = await startRun(
    {
      containerId: 1,
      agentId: 1,
      orgId: 1,
      scriptName: 'probe.js',
      scriptText: options.script,
      argument: {},
      env: {},
      workRoot: join(root, 'work'),
      storageDir: join(root, 'storage'),
      limits: DEFAULT_LIMITS,
      retryNumber: 0,
      isolation: 'bubblewrap',
      network: options.network ?? 'internet',
      egressDenied: options.rawEgressDenied ?? parseCidrList(options.egressDeny ?? ''),
      proxyAddress: options.proxyAddress ?? '',
    },
    { onOutput: (_offset, chunk) => chunks.push(Buffer.from(chunk)), onRequest: async () => null },
  );
  const outcome = await run.outcome;
  // runnerUid: the test checks its runner is who it meant (root, or an unprivileged executor).
  // sandboxNetwork: what the executor's start line would say about it.
  process.stdout.write(
    `${JSON.stringify({ outcome, output: Buffer.concat(chunks).toString('utf8'), runnerUid: process.getuid!(), sandboxNetwork: await describeSandboxNetwork(runUserFor()) })}\n`,
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
