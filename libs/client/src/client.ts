import type { operations } from './api-types.js';
import { AgentryConnectionError, AgentryResponseError, errorFromAnswer, oneLine } from './errors.js';
import { OPERATIONS } from './operations.js';
import { readSse } from './sse.js';

export type OperationId = keyof typeof OPERATIONS & keyof operations;

type Parameters_<O extends OperationId> = operations[O] extends { parameters: infer P } ? P : never;
/** The query-string parameters of an operation (a v2 POST reads the same names from its body). */
export type QueryOf<O extends OperationId> = Parameters_<O> extends { query?: infer Q } ? Exclude<Q, undefined> : never;
export type PathOf<O extends OperationId> = Parameters_<O> extends { path: infer P } ? Exclude<P, undefined> : never;
export type BodyOf<O extends OperationId> = operations[O] extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;
type JsonOf<R> = R extends { content: { 'application/json': infer J } } ? J : R extends { content: { 'text/plain': infer T } } ? T : unknown;
/** The answer of an operation on success (its 200, 201 or 202). */
export type AnswerOf<O extends OperationId> = operations[O]['responses'] extends infer R
  ? R extends { 200: infer A }
    ? JsonOf<A>
    : R extends { 201: infer A }
      ? JsonOf<A>
      : R extends { 202: infer A }
        ? JsonOf<A>
        : unknown
  : unknown;

export type CallInput<O extends OperationId> = ([PathOf<O>] extends [never] ? { path?: undefined } : { path: PathOf<O> }) & {
  query?: [QueryOf<O>] extends [never] ? undefined : Partial<QueryOf<O>>;
  body?: [BodyOf<O>] extends [never] ? undefined : BodyOf<O>;
};

/** Schemas of the document, by name (`Agent`, `Container`, `AgentVersion`, `ApiKey`…). */
export type { components } from './api-types.js';

export interface AgentryClientOptions {
  /** The gateway's base URL, e.g. `http://127.0.0.1:3000`. */
  url: string;
  apiKey?: string;
  /** `X-Phantombuster-Org`: act in another org (platform admins). */
  org?: string;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Sent as `User-Agent` where the platform allows it (not in browsers). */
  userAgent?: string;
}

/** A run's live console, as `follow` yields it. */
export type RunEvent =
  | { kind: 'queued' | 'running' | 'ended'; containerId: string }
  | { kind: 'output'; text: string; newline: boolean; position: number }
  | { kind: 'error'; message: string };

/**
 * The typed client of Agentry's API. `call(operationId, { path, query, body })` reaches any
 * operation of the document, typed from it; the named helpers (`agents.*`, `containers.*`,
 * `scripts.*`, `keys.*`) are the ones the CLI and the console use. Errors are typed exceptions:
 * `AgentryApiError` (the API's message and field), `AgentryResponseError` (not the API answering),
 * `AgentryConnectionError`.
 */
export class AgentryClient {
  readonly url: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: AgentryClientOptions) {
    let parsed: URL;
    try {
      parsed = new URL(options.url);
    } catch {
      throw new AgentryConnectionError(`not a URL: ${oneLine(options.url, 100)}`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new AgentryConnectionError(`not an http(s) URL: ${oneLine(options.url, 100)}`);
    this.url = parsed.href.replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? ((...args) => fetch(...args));
  }

  /** The request of an operation, answered as the raw Response once its status is 2xx (streams, text). */
  async request<O extends OperationId>(
    operation: O,
    input: CallInput<O> = {} as CallInput<O>,
    init: { headers?: Record<string, string>; signal?: AbortSignal } = {},
  ): Promise<Response> {
    const [method, template] = OPERATIONS[operation];
    const path = template.replace(/\{([^}]+)\}/g, (_m, name: string) => {
      const value = (input.path as Record<string, unknown> | undefined)?.[name];
      if (value === undefined || value === null || value === '') throw new TypeError(`${operation}: path parameter ${name} is missing`);
      return name === 'path' ? String(value).split('/').map(encodeURIComponent).join('/') : encodeURIComponent(String(value));
    });
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries((input.query ?? {}) as Record<string, unknown>)) {
      if (value === undefined || value === null) continue;
      search.set(name, typeof value === 'object' ? JSON.stringify(value) : String(value));
    }
    const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
    if (this.options.apiKey) headers['x-phantombuster-key-1'] = this.options.apiKey;
    if (this.options.org) headers['x-phantombuster-org'] = this.options.org;
    if (this.options.userAgent) headers['user-agent'] = this.options.userAgent;
    let body: string | undefined;
    if (input.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(input.body);
    }
    const url = `${this.url}${path}${search.size ? `?${search}` : ''}`;
    let response: Response;
    try {
      response = await this.fetchImpl(url, { method, headers, body, signal: init.signal, redirect: 'error' });
    } catch (error) {
      if ((error as Error)?.name === 'AbortError') throw error;
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new AgentryConnectionError(
        `cannot reach ${this.url}: ${oneLine(cause?.code ?? cause?.message ?? (error as Error).message ?? 'unknown error', 120)}`,
      );
    }
    if (response.ok) return response;
    const text = await response.text().catch(() => '');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new AgentryResponseError(
        response.status,
        `the server answered ${response.status} ${oneLine(response.statusText, 60)} with ${describeBody(response, text)}, not Agentry's API (is ${this.url} an Agentry gateway?)`,
      );
    }
    throw errorFromAnswer(response.status, parsed, response.headers.get('x-request-id') ?? undefined);
  }

  /** Calls an operation and answers its JSON (or text) answer, typed from the document. */
  async call<O extends OperationId>(operation: O, input: CallInput<O> = {} as CallInput<O>): Promise<AnswerOf<O>> {
    const response = await this.request(operation, input);
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    if (!type.includes('json')) {
      if (type.startsWith('text/plain')) return text as AnswerOf<O>;
      throw new AgentryResponseError(
        response.status,
        `the server answered ${describeBody(response, text)} where JSON was expected (is ${this.url} an Agentry gateway?)`,
      );
    }
    try {
      return JSON.parse(text) as AnswerOf<O>;
    } catch {
      throw new AgentryResponseError(
        response.status,
        `the server answered invalid JSON (${new TextEncoder().encode(text).length} bytes): is ${this.url} an Agentry gateway?`,
      );
    }
  }

  readonly agents = {
    list: () => this.call('agentsFetchAll'),
    fetch: (id: string) => this.call('agentsFetch', { query: { id } }),
    /** Creates (no `id`) or updates an agent; answers `{id}`. */
    save: (agent: BodyOf<'agentsSave'>) => this.call('agentsSave', { body: agent }),
    delete: (id: string) => this.call('agentsDelete', { body: { id } }),
    versions: (id: string) => this.call('agentsVersions', { query: { id } }),
    rollback: (id: string, versionId: string) => this.call('agentsRollback', { body: { id, versionId } }),
    launch: (id: string, argument?: Record<string, unknown>) => this.call('agentsLaunch', { body: argument === undefined ? { id } : { id, argument } }),
    stop: (id: string, containerId?: string) => this.call('agentsStop', { body: containerId === undefined ? { id } : { id, containerId } }),
    nextLaunchDates: (id: string, count?: number) => this.call('agentsNextLaunchDates', { query: count === undefined ? { id } : { id, count } }),
    output: (id: string, fromOutputPos = 0) => this.call('agentsFetchOutput', { query: { id, fromOutputPos } }),
  };

  readonly containers = {
    fetch: (id: string, opts: { withResultObject?: boolean; withOutput?: boolean } = {}) => this.call('containersFetch', { query: { id, ...opts } }),
    list: (agentId: string, opts: { limit?: number; mode?: 'all' | 'finalized' } = {}) => this.call('containersFetchAll', { query: { agentId, ...opts } }),
    output: (id: string, fromOutputPos = 0) => this.call('containersFetchOutput', { query: { id, fromOutputPos } }),
    resultObject: (id: string) => this.call('containersFetchResultObject', { query: { id } }),
    /** The container's output as printed, chunk by chunk, until it ends. */
    attach: async function* (this: AgentryClient, id: string, signal?: AbortSignal): AsyncGenerator<string> {
      const response = await this.request('containersAttach', { query: { id } }, { headers: { accept: 'text/plain' }, signal });
      if (!response.body) return;
      const decoder = new TextDecoder();
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) yield decoder.decode(chunk, { stream: true });
    }.bind(this),
  };

  readonly scripts = {
    list: () => this.call('scriptsFetchAll'),
    fetch: (id: string, withCode = false) => this.call('scriptsFetch', { query: { id, withCode } }),
    /** Creates or updates the script of that name; answers `{id, name, created}`. */
    save: (name: string, code: string) => this.call('scriptsSave', { body: { name, code } }),
    delete: (id: string) => this.call('scriptsDelete', { body: { id } }),
  };

  readonly keys = {
    /** The new key's secret is in the answer (`key`) this once. */
    create: (roles: BodyOf<'apiKeysCreate'>['roles'], name?: string) => this.call('apiKeysCreate', { body: { roles, ...(name ? { name } : {}) } }),
    list: () => this.call('apiKeysList'),
    revoke: (id: string) => this.call('apiKeysRevoke', { path: { id } }),
  };

  readonly orgs = {
    fetch: () => this.call('orgsFetch'),
  };

  /**
   * Launches the agent and yields its console live (the v1 API's `output=event-stream`): its
   * container id and phases, then each piece of output as it is printed, until it ends. With no
   * `argument` the agent's saved one is used.
   */
  async *follow(agentId: string, opts: { argument?: Record<string, unknown>; signal?: AbortSignal } = {}): AsyncGenerator<RunEvent> {
    const response = await this.request(
      'v1AgentLaunch',
      {
        path: { id: agentId },
        query: { output: 'event-stream' },
        body: opts.argument === undefined ? undefined : ({ argument: opts.argument } as BodyOf<'v1AgentLaunch'>),
      },
      { headers: { accept: 'text/event-stream' }, signal: opts.signal },
    );
    if (!response.body || !(response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
      throw new AgentryResponseError(response.status, `the server answered ${describeBody(response, '')} where an event stream was expected`);
    }
    let pendingNewline = false;
    for await (const message of readSse(response.body)) {
      if (message.kind === 'comment') {
        const phase = /^container (\d+) (in queue|still running|ended)$/.exec(message.text);
        if (phase) yield { kind: phase[2] === 'in queue' ? 'queued' : phase[2] === 'ended' ? 'ended' : 'running', containerId: phase[1]! };
        else if (message.text.startsWith('error ')) yield { kind: 'error', message: oneLine(message.text.slice(6)) };
        continue;
      }
      // A piece ending with a line feed is followed by an empty `data:` line (sse-format.ts).
      const newline = message.data.endsWith('\n');
      const text = newline ? message.data.slice(0, -1) : message.data;
      pendingNewline = newline;
      yield { kind: 'output', text, newline, position: Number(message.id ?? 0) };
    }
    void pendingNewline;
  }
}

/**
 * What came back, without echoing it: a page that is not the API's (a portal, a proxy, an
 * attacker's server) is described by its type and size only, never shown to the user.
 */
function describeBody(response: Response, text: string): string {
  const type = (response.headers.get('content-type') ?? 'no content type').split(';')[0]!.trim();
  if (/^\s*<(!doctype|html)/i.test(text) || type === 'text/html') return 'an HTML page';
  return `${oneLine(type, 60)} (${new TextEncoder().encode(text).length} bytes)`;
}
