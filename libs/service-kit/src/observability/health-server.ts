import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import type { Registry } from 'prom-client';
import type { HealthCheck } from './health-checks.js';
import { runHealthChecks } from './health-report.js';

export interface HealthProbes {
  /** Liveness: loops that a restart would unwedge. Failing it gets the pod restarted. */
  live: HealthCheck[];
  /** Readiness: the dependencies the service needs to do its work (NATS, Postgres) plus the liveness checks. */
  ready: HealthCheck[];
}

export interface RunningHealthServer {
  url: string;
  close(): Promise<void>;
}

const logger = new Logger('Health');

/**
 * A tiny HTTP server beside each service: GET /livez and GET /readyz answer 200
 * `{status:"ok",checks}` or 503 `{status:"fail",checks}` naming what failed; GET /metrics the
 * Prometheus text format. Nothing else is served (404); it reads no request body and answers no
 * other method.
 */
export async function startHealthServer(opts: { port: number; host: string; probes: HealthProbes; metrics?: Registry }): Promise<RunningHealthServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    const checks = path === '/livez' ? opts.probes.live : path === '/readyz' ? opts.probes.ready : undefined;
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    const served = checks || (path === '/metrics' && opts.metrics);
    if (!served) return answer(404, { status: 'error', message: `Not found: GET /livez, /readyz${opts.metrics ? ' or /metrics' : ''}` });
    if (req.method !== 'GET' && req.method !== 'HEAD') return answer(405, { status: 'error', message: 'Use GET' });
    if (!checks) {
      opts.metrics!.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': opts.metrics!.contentType, 'cache-control': 'no-store' });
          res.end(text);
        },
        () => answer(500, { status: 'error', message: 'metrics unavailable' }),
      );
      return;
    }
    runHealthChecks(checks).then(
      (report) => answer(report.status === 'ok' ? 200 : 503, report),
      () => answer(503, { status: 'fail', checks: {} }),
    );
  });
  // Probes are small and frequent: a client holding a connection open must not pin the process.
  server.requestTimeout = 5000;
  server.headersTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  logger.log(`health on ${url} (/livez, /readyz${opts.metrics ? ', /metrics' : ''})`);
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
