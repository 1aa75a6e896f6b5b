import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { OpenApiDocument } from './openapi-document.js';

const DOCUMENT_ID = 'agentry-openapi.json';
/** A JSON pointer segment (RFC 6901), URI-encoded for use in a `$ref`-like id. */
const escape = (segment: string) => encodeURIComponent(segment.replace(/~/g, '~0').replace(/\//g, '~1'));

/**
 * Checks an answer the gateway gave against the document: finds the operation whose path template
 * matches the request, then validates the JSON body against the schema of its status (or of `4XX` /
 * `5XX`). Answers a list of problems, empty when the answer is what the document promises.
 */
export class AnswerValidator {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly templates: { method: string; pattern: RegExp; operation: Record<string, unknown>; template: string }[] = [];

  constructor(document: OpenApiDocument) {
    // The whole document as one schema: an answer's schema is a pointer into it, so its `$ref`s
    // to `#/components/schemas/…` resolve.
    this.ajv.addSchema(document, DOCUMENT_ID);
    for (const [template, methods] of Object.entries(document.paths)) {
      const pattern = new RegExp(
        '^' +
          template
            .split(/(\{[^}]+\})/)
            .map((part) => (part === '{path}' ? '.+' : part.startsWith('{') ? '[^/]+?' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
            .join('') +
          '$',
      );
      for (const [method, operation] of Object.entries(methods)) this.templates.push({ method: method.toUpperCase(), pattern, operation, template });
    }
    // Literal paths before templated ones: `/api/v1/agent/7.json` is `{id}.json`, not `{id}`.
    this.templates.sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0) || b.template.length - a.template.length);
  }

  /** The operation (and its path template) serving `method path`, if any. */
  operationFor(method: string, path: string) {
    const bare = path.split('?')[0]!;
    return this.templates.find((t) => t.method === method.toUpperCase() && t.pattern.test(bare));
  }

  check(method: string, path: string, status: number, contentType: string | null, body: unknown): string[] {
    const found = this.operationFor(method, path);
    if (!found) return [`${method} ${path}: no operation in the document`];
    const responses = found.operation['responses'] as Record<string, { content?: Record<string, { schema: object }> }>;
    const answer = responses[String(status)] ?? responses[`${String(status)[0]}XX`];
    if (!answer) return [`${method} ${found.template}: status ${status} is not documented`];
    if (!answer.content) return [];
    const mediaType = (contentType ?? '').split(';')[0]!.trim();
    if (answer.content['*/*']) return [];
    const media = answer.content[mediaType];
    if (!media)
      return [`${method} ${found.template} ${status}: content type ${mediaType || '(none)'} is not documented (${Object.keys(answer.content).join(', ')})`];
    if (mediaType !== 'application/json') return [];
    const pointer = `${DOCUMENT_ID}#/paths/${escape(found.template)}/${method.toLowerCase()}/responses/${responses[String(status)] ? status : `${String(status)[0]}XX`}/content/${escape(mediaType)}/schema`;
    let validate = this.compiled.get(pointer);
    if (!validate) {
      validate = this.ajv.getSchema(pointer);
      if (!validate) return [`${pointer}: cannot be compiled`];
      this.compiled.set(pointer, validate);
    }
    if (validate(body)) return [];
    return (validate.errors ?? []).map((e) => `${method} ${found.template} ${status}: ${e.instancePath || '(body)'} ${e.message}`);
  }
}
