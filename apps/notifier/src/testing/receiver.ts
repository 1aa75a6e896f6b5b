import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * A real HTTP receiver on loopback for the notifier's tests: records every request and connection,
 * answers what the test scripted per path (200 "thanks" otherwise; `/hang` never answers, `/huge` answers
 * 200 KB), and can go down and come back on
 * the same port (a receiver outage as the notifier sees it: connections refused).
 */
export class Receiver {
  readonly received: Received[] = [];
  connections = 0;
  private port = 0;
  private readonly scripted = new Map<string, number[]>();
  private readonly held = new Set<string>();
  private server = this.createServer();

  private createServer(): http.Server {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        if (req.url === '/hang' || this.held.has(req.url ?? '')) return; // no answer (the sender times out or dies waiting)
        if (req.url === '/huge') return void res.writeHead(500).end('x'.repeat(200_000)); // an answer far over the log's excerpt
        const status = this.scripted.get(req.url ?? '')?.shift() ?? 200;
        res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'thanks' : 'receiver is down');
      });
    });
    server.on('connection', () => (this.connections += 1));
    return server;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
  }
  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }
  answer(path: string, statuses: number[]): void {
    this.scripted.set(path, statuses);
  }
  /** Requests to `path` get no answer until `release(path)`. */
  hold(path: string): void {
    this.held.add(path);
  }
  release(path: string): void {
    this.held.delete(path);
  }
  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }
  /** Down: the port refuses connections until `listen()` brings it back. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server = this.createServer();
  }
}
