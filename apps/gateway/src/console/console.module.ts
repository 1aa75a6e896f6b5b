import { randomBytes } from 'node:crypto';
import { Injectable, Module } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { cacheControlFor, findConsoleFile, isApiPath } from './console-files.js';

/**
 * The console's pages may load only what this gateway serves: its bundle, its stylesheet, and
 * calls to its own API. No inline script, no other origin, no framing (clickjacking of the
 * key-revoking buttons). The one inline style allowed is CodeMirror's own <style> element, which
 * carries the nonce of this response (a fresh one per page load, handed to the editor through
 * index.html's `csp-nonce` meta): markup injected into the page cannot guess it.
 */
export function consoleCsp(styleNonce: string): string {
  return `default-src 'self'; script-src 'self'; style-src 'self' 'nonce-${styleNonce}'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`;
}

/** The placeholder apps/console/index.html carries for the nonce. */
const NONCE_PLACEHOLDER = '__CSP_NONCE__';

async function serveConsole(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
  const path = request.url.split('?')[0] ?? '/';
  if (isApiPath(path)) return undefined;
  const file = await findConsoleFile(path);
  if (!file) return undefined;
  const nonce = randomBytes(16).toString('base64');
  const body = file.relativePath === 'index.html' ? file.body.toString('utf8').replaceAll(NONCE_PLACEHOLDER, nonce) : file.body;
  return reply
    .type(file.contentType)
    .header('cache-control', cacheControlFor(file.relativePath))
    .header('content-security-policy', consoleCsp(nonce))
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .send(body);
}

/**
 * The web console at `/` (apps/console/dist), served only where no API route matched
 * (`request.is404`): every API route keeps its path and its answers, an unknown API path keeps the
 * API's 404, and the console adds no route to the API's ledger (the OpenAPI document describes the
 * API, not the pages). Its own routes (`/agents/12`…) answer index.html so a reload or a shared link
 * opens the right page. Public: the page holds no data; the key is typed in the browser and sent
 * on each API call.
 */
@Injectable()
export class ConsolePages {
  constructor(adapterHost: HttpAdapterHost) {
    const fastify = adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onRequest', async (request, reply) => (request.is404 ? serveConsole(request, reply) : undefined));
  }
}

@Module({ providers: [ConsolePages] })
export class ConsoleHttpModule {}
