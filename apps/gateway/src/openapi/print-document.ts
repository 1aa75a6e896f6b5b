import { createRequire } from 'node:module';
import { buildOpenApiDocument } from './openapi-document.js';

/**
 * Prints the OpenAPI document (what `/api/openapi.json` serves) without starting the gateway:
 * libs/client's `npm run generate` keeps its copy and its generated types from this.
 */
const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };
process.stdout.write(JSON.stringify(buildOpenApiDocument(version), null, 2) + '\n');
