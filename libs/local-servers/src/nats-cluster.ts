import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { ManagedProcess } from './managed-process.js';
import { ensureNatsServerBinary, natsUrlWithLogin, renderNatsAuthorization, type NatsAuthorization, type NatsUserLogin } from './nats.js';

const START_TIMEOUT_MS = 30_000;
const HEALTHY_TIMEOUT_MS = 60_000;
const SHUTDOWN_GRACE_MS = 5_000;
const CLUSTER_NAME = 'agentry';
const START_ATTEMPTS = 3;

/** One server of a cluster: it can be killed and started again on the same ports and store. */
export interface NatsClusterNode {
  readonly name: string;
  /** Client address, no credentials. */
  readonly url: string;
  /** PID of the running server; -1 while it is down. */
  readonly pid: number;
  readonly running: boolean;
  /** Sends `signal` (SIGKILL: a crash) and waits until the process is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again with its configuration and store, and waits until it reports healthy. */
  start(): Promise<void>;
  /** SIGSTOP: a partition as its peers and clients see it (sockets open, nothing answers). */
  freeze(): void;
  /** SIGCONT. */
  thaw(): void;
}

export interface RunningNatsCluster {
  nodes: NatsClusterNode[];
  /** Every node's address in one comma-separated list (what NATS_URL takes), with no credentials. */
  url: string;
  /** The same list carrying `user`'s login. */
  urlFor(user: string): string;
  /** Resolves when every running node answers its /healthz (JetStream meta leader known, streams current) with 200. */
  waitHealthy(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

interface NodePorts {
  client: number;
  route: number;
  monitor: number;
}

/**
 * A JetStream cluster of `size` nats-server processes on 127.0.0.1 (routes between them, one store
 * folder each under `storeDir`), for tests and drills that need NATS to survive a node dying:
 * streams created with `num_replicas: size` keep their data and elect a new leader while one node
 * is down. Each node's configuration (users included) is a 0600 file, never a command line. The
 * monitoring port is on loopback and used only to wait for /healthz.
 */
export async function startNatsCluster(opts: {
  size?: number;
  storeDir: string;
  auth?: NatsAuthorization;
  onLog?: (node: string, line: string) => void;
}): Promise<RunningNatsCluster> {
  const size = opts.size ?? 3;
  if (size < 1) throw new Error('a NATS cluster needs at least one node');
  const binary = await ensureNatsServerBinary();
  // A port free a moment ago can be taken by the time a node binds it (other tests pick ports too):
  // a node that could not listen fails the start, which is tried again on new ports.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(binary, size, opts);
    } catch (error) {
      if (attempt >= START_ATTEMPTS || !/address already in use/.test((error as Error).message)) throw error;
    }
  }
}

async function startOnce(
  binary: string,
  size: number,
  opts: { storeDir: string; auth?: NatsAuthorization; onLog?: (node: string, line: string) => void },
): Promise<RunningNatsCluster> {
  const ports: NodePorts[] = [];
  const taken = new Set<number>();
  const distinctPort = async () => {
    for (;;) {
      const port = await freePort();
      if (!taken.has(port)) {
        taken.add(port);
        return port;
      }
    }
  };
  for (let i = 0; i < size; i++) ports.push({ client: await distinctPort(), route: await distinctPort(), monitor: await distinctPort() });

  const nodes = await Promise.all(
    ports.map(async (own, i) => {
      const name = `nats-${i + 1}`;
      const dir = join(opts.storeDir, name);
      await mkdir(dir, { recursive: true });
      const configFile = join(dir, 'node.conf');
      await writeFile(configFile, renderNodeConfig(name, dir, own, ports, opts.auth), { mode: 0o600 });
      await chmod(configFile, 0o600);
      return new ClusterNode(name, binary, configFile, own, (line) => opts.onLog?.(name, line));
    }),
  );
  const cluster: RunningNatsCluster = {
    nodes,
    url: nodes.map((n) => n.url).join(','),
    urlFor: (user) => nodes.map((n) => natsUrlWithLogin(n.url, loginOf(opts.auth, user))).join(','),
    waitHealthy: (timeoutMs = HEALTHY_TIMEOUT_MS) => Promise.all(nodes.filter((n) => n.running).map((n) => n.waitHealthy(timeoutMs))).then(() => undefined),
    stop: async () => {
      await Promise.all(nodes.map((n) => n.stop()));
    },
  };
  try {
    // Routes are retried by each server: the nodes may come up in any order.
    await Promise.all(nodes.map((n) => n.start()));
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}

function loginOf(auth: NatsAuthorization | undefined, user: string): NatsUserLogin {
  const login = auth?.users.find((u) => u.user === user);
  if (!login) throw new Error(`the NATS cluster has no user "${user}"`);
  return login;
}

/** nats-server configuration of one node: its ports, its store, routes to every other node, the users. */
export function renderNodeConfig(name: string, storeDir: string, own: NodePorts, all: NodePorts[], auth?: NatsAuthorization): string {
  const routes = all.filter((p) => p !== own).map((p) => JSON.stringify(`nats-route://127.0.0.1:${p.route}`));
  return [
    `server_name: ${JSON.stringify(name)}`,
    `listen: "127.0.0.1:${own.client}"`,
    `http: "127.0.0.1:${own.monitor}"`,
    `jetstream { store_dir: ${JSON.stringify(storeDir)} }`,
    `cluster {`,
    `  name: ${JSON.stringify(CLUSTER_NAME)}`,
    `  listen: "127.0.0.1:${own.route}"`,
    `  routes: [${routes.join(', ')}]`,
    `}`,
    auth ? renderNatsAuthorization(auth) : '',
  ].join('\n');
}

class ClusterNode implements NatsClusterNode {
  private process: ManagedProcess | undefined;
  readonly url: string;

  constructor(
    readonly name: string,
    private readonly binary: string,
    private readonly configFile: string,
    private readonly ports: NodePorts,
    private readonly onLine: (line: string) => void,
  ) {
    this.url = `nats://127.0.0.1:${ports.client}`;
  }

  get running(): boolean {
    return !!this.process && !this.process.hasExited;
  }

  get pid(): number {
    return this.running ? this.process!.pid : -1;
  }

  async start(): Promise<void> {
    if (this.running) return;
    const server = ManagedProcess.spawn(this.name, this.binary, ['-c', this.configFile], { onLine: this.onLine });
    this.process = server;
    const ready = server.waitForLine(/Server is ready/).then(() => server.waitForPort(this.ports.client));
    await server.waitReady(ready, START_TIMEOUT_MS);
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.process?.stop([signal, 'SIGKILL'], SHUTDOWN_GRACE_MS);
  }

  freeze(): void {
    if (this.running) process.kill(this.pid, 'SIGSTOP');
  }

  thaw(): void {
    if (this.running) process.kill(this.pid, 'SIGCONT');
  }

  stop(): Promise<void> {
    this.thaw();
    return this.process?.stop(['SIGTERM', 'SIGKILL'], SHUTDOWN_GRACE_MS) ?? Promise.resolve();
  }

  async waitHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`${this.name} exited. Last output:\n${this.process?.logTail() ?? ''}`);
      const answer = await httpGet(`http://127.0.0.1:${this.ports.monitor}/healthz`).catch((e: Error) => ({ status: 0, body: e.message }));
      if (answer.status === 200) return;
      last = `${answer.status} ${answer.body}`;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`${this.name} was not healthy within ${timeoutMs} ms (last /healthz: ${last})`);
  }
}

function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}
