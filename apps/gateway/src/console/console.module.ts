import { Injectable, Module } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { cacheControlFor, findConsoleFile, isApiPath } from './console-files.js';

/**
 * The console's pages may load only what this gateway serves: its bundle, its stylesheet, and
 * calls to its own API. No inline script or style, no other origin, no framing (clickjacking of
 * the key-revoking buttons). CodeMirror styles itself through constructed stylesheets, which
 * `style-src 'self'` does not block.
 */
export const CONSOLE_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

async function serveConsole(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
  const path = request.url.split('?')[0] ?? '/';
  if (isApiPath(path)) return undefined;
  const file = await findConsoleFile(path);
  if (!file) return undefined;
  return reply
    .type(file.contentType)
    .header('cache-control', cacheControlFor(file.relativePath))
    .header('content-security-policy', CONSOLE_CSP)
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .send(file.body);
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
