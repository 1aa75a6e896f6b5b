import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { CheckedDestination } from './destination.js';

export interface PostOutcome {
  /** null when no HTTP answer came (connection refused, timeout, reset). */
  statusCode: number | null;
  latencyMs: number;
  /** The first bytes of the answer, for the delivery log. */
  responseExcerpt: string | null;
  error: string | null;
}

const EXCERPT_BYTES = 1024;

/**
 * One POST to the checked address (the `lookup` hook pins the connection to it; the URL's host still
 * names the Host header and the TLS server name). Redirects are not followed: a 3xx is a failed attempt,
 * so a receiver cannot bounce the notifier to an address that was never checked. Never throws.
 */
export function postOnce(dest: CheckedDestination, headers: Record<string, string>, body: string, timeoutMs: number): Promise<PostOutcome> {
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  const pinned: LookupFunction = (_host, options, callback) => {
    if ((options as { all?: boolean }).all)
      (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: dest.address, family: dest.family }]);
    else callback(null, dest.address, dest.family);
  };
  const client = dest.url.protocol === 'https:' ? https : http;
  return new Promise<PostOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: Omit<PostOutcome, 'latencyMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...outcome, latencyMs: latency() });
    };
    const req = client.request(
      dest.url,
      {
        method: 'POST',
        lookup: pinned,
        agent: false,
        headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'Agentry-Webhooks/1' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < EXCERPT_BYTES) chunks.push(chunk);
          size += chunk.length;
        });
        res.on('end', () =>
          finish({ statusCode: res.statusCode ?? null, responseExcerpt: Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8'), error: null }),
        );
        res.on('error', (e) => finish({ statusCode: res.statusCode ?? null, responseExcerpt: null, error: e.message }));
      },
    );
    // The whole attempt is bounded, not each socket event: a receiver trickling bytes cannot hold it.
    const timer = setTimeout(() => {
      finish({ statusCode: null, responseExcerpt: null, error: `timed out after ${timeoutMs} ms` });
      req.destroy();
    }, timeoutMs);
    req.on('error', (e) => finish({ statusCode: null, responseExcerpt: null, error: e.message }));
    req.end(body);
  });
}
