import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsServiceUser } from '@agentry/contracts';
import { createTestDatabase, startTestNats, type TestNats } from '@agentry/testing';
import type { RunningRegistry } from '@agentry/registry';
import { startGateway, type EdgeConfig, type RunningGateway } from '@agentry/gateway';
import { startTestRegistry } from './registry.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

export interface TestPlatform {
  baseUrl: string;
  /** The platform-admin key of the first org (bootstrap). */
  adminKey: string;
  registry: RunningRegistry;
  gateway: RunningGateway;
  databaseUrl: string;
  /** The test's own NATS login (allowed everything). */
  natsUrl: string;
  /** A service's own NATS login, held to its permissions: start another service with it. */
  natsUrlFor(service: NatsServiceUser): string;
  /** The platform's private nats-server, for tests that stop and restart it. */
  natsServer: TestNats;
  /** With `databaseProxy`: the loopback proxy every service reaches Postgres through, for tests that cut it. */
  databaseProxy?: TcpProxy;
  /** With `natsProxy`: the loopback proxy every NATS client (services and test) goes through. */
  natsProxy?: TcpProxy;
  /** A fresh org with its own org-admin key, created through the API. */
  newOrg(opts?: { name?: string; maxAgents?: number }): Promise<{ orgId: string; key: string }>;
  /** fetch against the gateway with a key (JSON in, parsed JSON or text out). */
  request(
    method: string,
    path: string,
    opts?: { key?: string; json?: unknown; form?: Record<string, string>; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any; text: string; headers: Headers }>;
  close(): Promise<void>;
}

export interface PlatformOptions {
  /**
   * Also start the output service and an executor (real child processes for scripts), for tests
   * that launch agents. Loaded only then, so other tests do not pay for them.
   */
  execution?: boolean;
  /**
   * The executor's AGENTRY_ISOLATION (default `none`): the process runner's own tests cover both
   * isolation paths; end-to-end API tests are about the platform around the run.
   */
  isolation?: 'auto' | 'bubblewrap' | 'none';
  /**
   * The gateway's edge settings. The per-key request limit is off unless given here: tests that
   * create hundreds of objects with one key are not about it.
   */
  edge?: Partial<EdgeConfig>;
  /** Services reach Postgres through a loopback TCP proxy the test can cut (`databaseProxy`). */
  databaseProxy?: boolean;
  /**
   * Every NATS client reaches the server through a loopback TCP proxy the test can cut
   * (`natsProxy`): to them the server is gone (sockets reset, reconnects refused) while its
   * JetStream data stays, so `restore()` is a NATS restart without loss.
   */
  natsProxy?: boolean;
}

/** The same test NATS server, its URLs pointing at a proxy in front of it. */
function throughProxy<T extends { url: string }>(nats: T, port: number): T {
  const swap = (url: string) => {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String(port);
    return u.toString().replace(/\/$/, '');
  };
  const proxied = Object.create(nats) as T & { urlFor?: (service: never) => string };
  proxied.url = swap(nats.url);
  const urlFor = (nats as { urlFor?: (service: never) => string }).urlFor;
  if (urlFor) proxied.urlFor = (service: never) => swap(urlFor(service));
  return proxied;
}

/**
 * The whole platform for an end-to-end test: a fresh database on the run's real Postgres, a
 * private real NATS server, the registry and the gateway in this process (with `execution`, the
 * output service and an executor too).
 */
export async function startPlatform(options: PlatformOptions = {}): Promise<TestPlatform> {
  const adminKey = `admin_${randomBytes(12).toString('hex')}`;
  // Started in order and, when a later one fails, stopped in reverse so nothing leaks.
  const cleanups: (() => Promise<void>)[] = [];
  const cleanUp = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  let registry: RunningRegistry;
  let gateway: RunningGateway;
  let proxy: TcpProxy | undefined;
  let natsProxy: TcpProxy | undefined;
  let serviceDatabaseUrl: string;
  try {
    db = await createTestDatabase();
    cleanups.push(() => db.drop());
    serviceDatabaseUrl = db.url;
    if (options.databaseProxy) {
      const target = new URL(db.url);
      proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
      cleanups.push(() => proxy!.close());
      target.hostname = '127.0.0.1';
      target.port = String(proxy.port);
      serviceDatabaseUrl = target.toString();
    }
    nats = await startTestNats({ auth: true });
    cleanups.push(() => nats.stop());
    if (options.natsProxy) {
      const server = nats;
      natsProxy = await startTcpProxy('127.0.0.1', Number(new URL(server.url).port));
      cleanups.push(() => natsProxy!.close());
      nats = throughProxy(server, natsProxy.port);
    }
    const secretKey = randomBytes(32);
    // Each service logs in as itself, held to its NATS permissions (libs/contracts nats-permissions).
    registry = await startTestRegistry({ databaseUrl: serviceDatabaseUrl, nats, secretKey, bootstrapApiKey: adminKey });
    cleanups.push(() => registry.close());
    if (options.execution) await startExecution(serviceDatabaseUrl, nats, secretKey, options.isolation ?? 'none', cleanups);
    gateway = await startGateway({
      natsUrl: nats.urlFor('gateway'),
      port: 0,
      host: '127.0.0.1',
      logLevel: 'error',
      edge: { keyRateLimit: 0, ...options.edge },
    });
    cleanups.push(() => gateway.close());
  } catch (error) {
    await cleanUp();
    throw error;
  }
  const baseUrl = gateway.url;

  const request: TestPlatform['request'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.key) headers['X-Phantombuster-Key-1'] = opts.key;
    let body: string | undefined;
    if (opts.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.json);
    } else if (opts.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(opts.form).toString();
    }
    const res = await fetch(baseUrl + path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    checkAgainstDocument(method, path, res.status, res.headers.get('content-type'), text === '' ? undefined : parsed);
    return { status: res.status, body: parsed, text, headers: res.headers };
  };

  // Every answer a test gets through `request` is checked against the OpenAPI document the
  // gateway serves (apps/gateway/src/openapi); close() fails the test on any mismatch, like a NATS
  // permission violation.
  const { AnswerValidator } = await import('@agentry/gateway');
  const validator = new AnswerValidator((await (await fetch(`${baseUrl}/api/openapi.json`)).json()) as ConstructorParameters<typeof AnswerValidator>[0]);
  const documentMismatches = new Set<string>();
  function checkAgainstDocument(method: string, path: string, status: number, contentType: string | null, parsed: unknown) {
    // HEAD and OPTIONS are Fastify's, for every route; the document describes the methods themselves.
    if (method === 'HEAD' || method === 'OPTIONS') return;
    if (!validator.operationFor(method, path)) {
      // Outside the API (the console's pages at /) the document says nothing; inside it, an
      // unknown path may only be refused.
      if (!/^\/(api|v1|v2)\//.test(path) || status === 404 || status === 405) return;
    }
    for (const problem of validator.check(method, path, status, contentType, parsed)) documentMismatches.add(problem);
  }

  let orgCounter = 0;
  return {
    baseUrl,
    adminKey,
    registry,
    gateway,
    databaseUrl: db.url,
    natsUrl: nats.url,
    natsUrlFor: (service) => nats.urlFor(service),
    natsServer: nats,
    databaseProxy: proxy,
    natsProxy,
    request,
    async newOrg(opts = {}) {
      orgCounter += 1;
      const res = await request('POST', '/api/v2/orgs', {
        key: adminKey,
        json: { name: opts.name ?? `org-${orgCounter}`, plan: { maxAgents: opts.maxAgents ?? 100 } },
      });
      if (res.status !== 200 && res.status !== 201) throw new Error(`newOrg failed: ${res.status} ${res.text}`);
      return { orgId: String(res.body.id), key: String(res.body.apiKey) };
    },
    // A service refused by NATS fails the test: the permission map must cover everything the services do.
    close: async () => {
      await cleanUp();
      nats.assertServicesObeyed();
      if (documentMismatches.size) {
        throw new Error(
          `answers that do not match the OpenAPI document (apps/gateway/src/openapi/route-catalog.ts):\n${[...documentMismatches].slice(0, 30).join('\n')}`,
        );
      }
    },
  };
}

/** The output service and one executor replica (scratch and storage folders of their own), on the platform's servers. */
async function startExecution(
  databaseUrl: string,
  nats: TestNats,
  secretKey: Buffer,
  isolation: NonNullable<PlatformOptions['isolation']>,
  cleanups: (() => Promise<void>)[],
): Promise<void> {
  const { loadOutputConfig, startOutput } = await import('@agentry/output');
  const { loadExecutorConfig, startExecutor } = await import('@agentry/executor');
  const output = await startOutput(loadOutputConfig({ DATABASE_URL: databaseUrl, NATS_URL: nats.urlFor('output'), LOG_LEVEL: 'warn' }));
  cleanups.push(() => output.close());
  const dir = await mkdtemp(join(tmpdir(), 'agentry-platform-'));
  // The executor's run user passes through it (mode 0711, not listable) to its run folders.
  await chmod(dir, 0o711);
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const executor = await startExecutor(
    loadExecutorConfig({
      DATABASE_URL: databaseUrl,
      NATS_URL: nats.urlFor('executor'),
      AGENTRY_SECRET_KEY: secretKey.toString('base64'),
      AGENTRY_WORK_DIR: join(dir, 'work'),
      AGENTRY_STORAGE_DIR: join(dir, 'storage'),
      AGENTRY_ISOLATION: isolation,
      LOG_LEVEL: 'warn',
    }),
  );
  cleanups.push(() => executor.close({ graceMs: 0 }));
}
