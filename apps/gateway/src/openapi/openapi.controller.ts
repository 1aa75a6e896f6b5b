import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Controller, Get, Header, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Public } from '../http/auth.guard.js';
import { buildOpenApiDocument } from './openapi-document.js';

const require = createRequire(import.meta.url);
const gatewayVersion = (require('../../package.json') as { version: string }).version;

/**
 * The reference page loads only what this gateway serves: its script (RapiDoc's bundle, read from
 * node_modules — no CDN) and the document. RapiDoc styles itself with inline styles and fonts as
 * data: URLs; no other origin is reachable from the page.
 */
export const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Agentry API reference</title>
<script type="module" src="/docs/rapidoc-min.js"></script>
</head>
<body>
<rapi-doc spec-url="/api/openapi.json" render-style="read" show-header="false" allow-try="false" allow-server-selection="false" theme="light"></rapi-doc>
</body>
</html>
`;

/** Read once, on first request: a 1 MB bundle the gateway only needs when someone opens /docs. */
let rapiDocScript: Buffer | undefined;
const rapiDoc = () => (rapiDocScript ??= readFileSync(require.resolve('rapidoc/dist/rapidoc-min.js')));

/** `/api/openapi.json` (the document, built from the route catalog) and `/docs` (a page rendering it). */
@Controller()
export class OpenApiController {
  private readonly document = JSON.stringify(buildOpenApiDocument(gatewayVersion));

  @Public()
  @Get('api/openapi.json')
  @Header('content-type', 'application/json; charset=utf-8')
  @Header('cache-control', 'no-cache')
  openapi(): string {
    return this.document;
  }

  @Public()
  @Get('docs')
  page(@Res() reply: FastifyReply) {
    void reply.type('text/html; charset=utf-8').header('content-security-policy', DOCS_CSP).header('x-content-type-options', 'nosniff').send(DOCS_PAGE);
  }

  @Public()
  @Get('docs/rapidoc-min.js')
  script(@Res() reply: FastifyReply) {
    void reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=3600')
      .header('x-content-type-options', 'nosniff')
      .send(rapiDoc());
  }
}
