import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { startPlatform, type TestPlatform } from '@agentry/platform-harness';
import { AnswerValidator } from './answer-validator.js';
import { buildOpenApiDocument, openApiPath, type OpenApiDocument } from './openapi-document.js';
import { DOCS_CSP } from './openapi.controller.js';
import { RegisteredRoutes } from './registered-routes.js';

/**
 * The document describes the gateway that serves it: every route Fastify registered is in it, it
 * is valid OpenAPI 3.1, the answers of real calls validate against it, and the client's copy
 * (libs/client/openapi.json, which its types are generated from) is the same document.
 */

const DOCUMENTED_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

let platform: TestPlatform;
let document: OpenApiDocument;
beforeAll(async () => {
  platform = await startPlatform({ execution: true });
  const res = await platform.request('GET', '/api/openapi.json');
  expect(res.status).toBe(200);
  document = res.body;
});
afterAll(async () => {
  await platform?.close();
});

/** `METHOD /path/{param}` of every operation in a document. */
const operationsOf = (doc: OpenApiDocument) =>
  Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));

test('every route the running gateway registered is in the document, and the document lists no route it does not serve', () => {
  const registered = platform.gateway.app
    .get(RegisteredRoutes)
    .list()
    .filter((r) => DOCUMENTED_METHODS.includes(r.method))
    .map((r) => `${r.method} ${openApiPath(r.path)}`);
  const documented = operationsOf(document);
  expect(registered.length).toBeGreaterThan(70);
  expect(registered.filter((r) => !documented.includes(r))).toEqual([]);
  expect(documented.filter((d) => !registered.includes(d))).toEqual([]);
});

test('control: a route missing from the document is reported by the comparison above', () => {
  const trimmed = structuredClone(document);
  delete trimmed.paths['/api/v2/agents/versions'];
  const registered = platform.gateway.app
    .get(RegisteredRoutes)
    .list()
    .map((r) => `${r.method} ${openApiPath(r.path)}`);
  expect(registered.filter((r) => DOCUMENTED_METHODS.includes(r.split(' ')[0]!) && !operationsOf(trimmed).includes(r))).toEqual([
    'GET /api/v2/agents/versions',
  ]);
});

test('the document is valid OpenAPI 3.1 (and a broken one is not)', async () => {
  const validator = new Validator();
  const result = await validator.validate(structuredClone(document));
  expect(result.errors ?? []).toEqual([]);
  expect(result.valid).toBe(true);
  expect(validator.version).toBe('3.1');

  const broken = structuredClone(document) as Record<string, any>;
  broken.paths['/api/v2/agents/fetch'].get.responses = 'none';
  expect((await new Validator().validate(broken)).valid).toBe(false);
});

test("the client's copy of the document (libs/client/openapi.json) is the document the gateway serves", () => {
  const copy = JSON.parse(readFileSync(new URL('../../../../libs/client/openapi.json', import.meta.url), 'utf8'));
  // Run `npm run generate -w @agentry/client` after changing the route catalog.
  expect(copy).toEqual(buildOpenApiDocument(document['info'] ? (document['info'] as { version: string }).version : ''));
  expect(copy).toEqual(document);
});

test('the answers of a run through the API validate against the document, errors included', async () => {
  const validator = new AnswerValidator(document);
  const key = (await platform.newOrg()).key;
  const problems: string[] = [];
  const call = async (method: string, path: string, opts: { json?: unknown; form?: Record<string, string>; key?: string | null } = {}) => {
    const res = await platform.request(method, path, { key: opts.key === null ? undefined : (opts.key ?? key), json: opts.json, form: opts.form });
    problems.push(...validator.check(method, path, res.status, res.headers.get('content-type'), res.body));
    return res;
  };

  const script = await call('POST', '/api/v2/scripts/save', { json: { name: 'doc_check.js', code: "console.log('hi'); module.exports = null" } });
  expect(script.status).toBe(200);
  await call('GET', `/api/v2/scripts/fetch?id=${script.body.id}`);
  await call('GET', '/api/v2/scripts/fetch-all');
  await call('GET', '/api/v2/scripts/code?script=doc_check.js');
  const agent = await call('POST', '/api/v2/agents/save', { json: { name: 'doc_check', scriptId: script.body.id } });
  expect(agent.status).toBe(200);
  const id = agent.body.id as string;
  await call('POST', '/api/v2/agents/save', { json: { id, argument: { a: 1 } } });
  await call('GET', `/api/v2/agents/fetch?id=${id}`);
  await call('GET', '/api/v2/agents/fetch-all');
  const versions = await call('GET', `/api/v2/agents/versions?id=${id}`);
  expect(versions.body.versions.length).toBe(2);
  await call('POST', '/api/v2/agents/rollback', { json: { id, versionId: versions.body.versions[1].versionId } });
  await call('GET', `/api/v2/agents/next-launch-dates?id=${id}`);
  const launched = await call('POST', '/api/v2/agents/launch', { json: { id } });
  expect({ status: launched.status, body: launched.body }).toMatchObject({ status: 200 });
  await call('GET', `/api/v2/containers/fetch?id=${launched.body.containerId}`);
  await call('GET', `/api/v2/containers/fetch-all?agentId=${id}`);
  await call('GET', `/api/v2/agents/fetch-output?id=${id}`);
  await call('GET', `/api/v1/agent/${id}.json`);
  await call('GET', '/api/v1/user.json');
  await call('GET', '/api/v2/orgs/fetch');
  const created = await call('POST', '/api/v2/org/api-keys', { json: { name: 'doc check' } });
  await call('GET', '/api/v2/org/api-keys');
  await call('POST', `/api/v2/org/api-keys/${created.body.id}/revoke`);
  await call('POST', '/api/v2/org/tags', { json: { name: 'doc-check' } });
  await call('GET', '/api/v2/org/tags');
  // Errors, in each generation's shape.
  expect((await call('GET', '/api/v2/agents/fetch?id=abc')).status).toBe(400);
  expect((await call('GET', '/api/v2/agents/fetch', { key: null })).status).toBe(401);
  expect((await call('GET', '/api/v1/agent/99999999.json')).status).toBe(404);
  expect((await call('POST', '/v1/agents/99999999/execute', { json: {} })).status).toBeGreaterThanOrEqual(400);
  expect((await call('GET', '/api/v2/hcaptcha')).status).toBe(501);
  await call('GET', '/livez');

  expect(problems).toEqual([]);
});

test('control: an answer that breaks its schema is reported', () => {
  const validator = new AnswerValidator(document);
  expect(validator.check('GET', '/api/v2/agents/versions?id=1', 200, 'application/json', { agentId: '1', versions: 'none' })).not.toEqual([]);
  expect(validator.check('GET', '/api/v2/agents/versions', 418, 'application/json', {})).not.toEqual([]);
  expect(validator.check('GET', '/api/v2/not-a-route', 200, 'application/json', {})).not.toEqual([]);
});

test('/docs is a page rendering the document with a script served by the gateway itself, under a CSP allowing nothing else', async () => {
  const page = await platform.request('GET', '/docs');
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  expect(page.headers.get('content-security-policy')).toBe(DOCS_CSP);
  const sources = [...page.text.matchAll(/(?:src|href|spec-url)="([^"]+)"/g)].map((m) => m[1]!);
  expect(sources.sort()).toEqual(['/api/openapi.json', '/docs/rapidoc-min.js']);
  const script = await platform.request('GET', '/docs/rapidoc-min.js');
  expect(script.status).toBe(200);
  expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
  expect(script.text).toContain('rapi-doc');
});
