import { ERROR_SCHEMAS, NAMED_SCHEMAS, ROUTES, type Answer, type RouteSpec, type Schema, type TextKind } from './route-catalog.js';

/**
 * Agentry's OpenAPI 3.1 document, built from the route catalog alone. It is deterministic (same
 * catalog, same bytes): libs/client keeps a copy (`libs/client/openapi.json`) that its generated
 * types come from, and `openapi.int.test.ts` fails when that copy is stale.
 */
export type OpenApiDocument = Record<string, unknown> & { paths: Record<string, Record<string, Record<string, unknown>>> };

/** `/api/v1/agent/:id.json` → `/api/v1/agent/{id}.json`; a trailing `*` becomes `{path}`. */
export function openApiPath(fastifyPath: string): string {
  return fastifyPath.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}').replace(/\*$/, '{path}');
}

export function pathParameters(fastifyPath: string): string[] {
  return [...openApiPath(fastifyPath).matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
}

/** The error shape a route answers in, as `error-shapes.ts` picks it. */
function errorSchemaOf(route: RouteSpec): Schema {
  if (route.path.startsWith('/api/v2/')) return ERROR_SCHEMAS.v2;
  if (route.method === 'POST' && route.path === '/api/v1/agent') return ERROR_SCHEMAS['v1-agent'];
  if (route.path.startsWith('/v1/')) return ERROR_SCHEMAS.external;
  return ERROR_SCHEMAS.v1;
}

const CONTENT_TYPES: Record<TextKind, string> = {
  text: 'text/plain',
  sse: 'text/event-stream',
  ndjson: 'application/x-ndjson',
  csv: 'text/csv',
  html: 'text/html',
  javascript: 'text/javascript',
};

function responseOf(answer: Answer, description: string): Record<string, unknown> {
  if (typeof answer === 'object' && 'also' in answer && 'json' in answer) {
    const { json, also } = answer as { json: Schema; also: TextKind[] };
    const content: Record<string, unknown> = { 'application/json': { schema: json } };
    for (const kind of also) content[CONTENT_TYPES[kind]] = { schema: { type: 'string' } };
    return { description, content };
  }
  switch (answer) {
    case 'empty':
      return { description };
    case 'text':
    case 'sse':
    case 'ndjson':
    case 'csv':
    case 'html':
    case 'javascript':
      return { description, content: { [CONTENT_TYPES[answer]]: { schema: { type: 'string' } } } };
    case 'binary':
      // Whatever type the file was stored with.
      return { description, content: { '*/*': { schema: {} } } };
    default:
      return { description, content: { 'application/json': { schema: answer } } };
  }
}

function operationOf(route: RouteSpec): Record<string, unknown> {
  const parameters: Record<string, unknown>[] = pathParameters(route.path).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
  for (const [name, { required, ...schema }] of Object.entries(route.query ?? {})) {
    parameters.push({ name, in: 'query', ...(required ? { required: true } : {}), schema });
  }
  const responses: Record<string, unknown> = {};
  for (const [status, answer] of Object.entries(route.responses)) responses[status] = responseOf(answer, Number(status) < 300 ? 'success' : 'see the summary');
  const error = { description: 'an error, in the shape of this API generation', content: { 'application/json': { schema: errorSchemaOf(route) } } };
  if (!route.public) responses['4XX'] = error;
  responses['5XX'] ??= error;
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    ...(parameters.length ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: false,
            content: { 'application/json': { schema: route.body }, 'application/x-www-form-urlencoded': { schema: route.body } },
          },
        }
      : {}),
    responses,
    ...(route.public ? { security: [] } : {}),
  };
}

const NAMES = new Map<unknown, string>(Object.entries(NAMED_SCHEMAS).map(([name, schema]) => [schema, name]));

/** A copy of `value` where every named schema (by identity) is a `$ref` to its component. */
function withRefs(value: unknown, top = true): unknown {
  if (!top && NAMES.has(value)) return { $ref: `#/components/schemas/${NAMES.get(value)}` };
  if (Array.isArray(value)) return value.map((v) => withRefs(v, false));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withRefs(v, false)]));
  return value;
}

export function buildOpenApiDocument(version: string): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const route of ROUTES) {
    const path = openApiPath(route.path);
    const methods = (paths[path] ??= {});
    const method = route.method.toLowerCase();
    if (methods[method]) throw new Error(`route-catalog: ${route.method} ${route.path} is listed twice`);
    methods[method] = operationOf(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Agentry API',
      version,
      description:
        "Agentry's HTTP API: PhantomBuster's v1 and v2 APIs (drop-in), the agents API (`/v1/agents`) and Agentry's additions (`/api/agentry/v1/webhooks`, `/api/v2/orgs/events`). Authenticate with an API key in the `X-Phantombuster-Key-1` header (or `Authorization: Bearer`).",
      license: { name: 'see the repository' },
    },
    servers: [{ url: '/' }],
    security: [{ apiKey: [] }, { bearer: [] }],
    tags: [...new Set(ROUTES.map((r) => r.tag))].map((name) => ({ name })),
    paths: withRefs(paths) as OpenApiDocument['paths'],
    components: {
      schemas: Object.fromEntries(Object.entries(NAMED_SCHEMAS).map(([name, schema]) => [name, withRefs(schema)])),
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'X-Phantombuster-Key-1' },
        bearer: { type: 'http', scheme: 'bearer' },
      },
    },
  };
}
