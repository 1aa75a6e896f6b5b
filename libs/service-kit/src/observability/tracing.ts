import { Logger } from '@nestjs/common';
import { childTraceparent, isValidTraceparent } from './request-id.js';

/**
 * Spans of the work a request causes, one per hop — the gateway's HTTP request, each RPC handler,
 * each run — linked by the W3C trace context that already travels in NATS headers, exported over
 * OTLP/HTTP (JSON) when OTEL_EXPORTER_OTLP_ENDPOINT is set. Off by default: then a span is just
 * the new `traceparent` for the hop, and nothing is buffered or sent.
 *
 * Deliberately small (no SDK): what the platform needs is a parent/child tree per request; an
 * operator's collector does sampling, batching upstream and storage.
 */

export const SpanKind = { INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;
type Attribute = string | number | boolean;

export interface Span {
  /** The trace context of this span: what the hop's log lines and outgoing messages carry. */
  readonly traceparent: string;
  setAttribute(key: string, value: Attribute | undefined): void;
  /** Ends the span once (later calls do nothing); `error` marks it failed. */
  end(outcome?: { error?: string }): void;
}

interface FinishedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: { key: string; value: { stringValue?: string; intValue?: string; doubleValue?: number; boolValue?: boolean } }[];
  status: { code: 0 | 1 | 2; message?: string };
}

const FLUSH_EVERY_MS = 1000;
const FLUSH_AT = 512;
const MAX_BUFFERED = 4096;
const EXPORT_TIMEOUT_MS = 5000;

const nowNanos = (): string => (BigInt(Date.now()) * 1_000_000n).toString();
const encode = (value: Attribute) =>
  typeof value === 'string'
    ? { stringValue: value }
    : typeof value === 'boolean'
      ? { boolValue: value }
      : Number.isInteger(value)
        ? { intValue: String(value) }
        : { doubleValue: value };

/** Sends finished spans to `<endpoint>/v1/traces` in batches; drops them (and says so, rarely) when the collector is away. */
class OtlpExporter {
  private buffer: FinishedSpan[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> = Promise.resolve();
  private lastWarning = 0;
  private readonly logger = new Logger('Tracing');

  constructor(
    private readonly url: string,
    private readonly service: string,
  ) {}

  add(span: FinishedSpan): void {
    if (this.buffer.length >= MAX_BUFFERED) this.buffer.shift();
    this.buffer.push(span);
    if (this.buffer.length >= FLUSH_AT) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_EVERY_MS).unref();
  }

  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const spans = this.buffer.splice(0);
    if (!spans.length) return this.inFlight;
    this.inFlight = this.inFlight.then(() => this.send(spans));
    return this.inFlight;
  }

  private async send(spans: FinishedSpan[]): Promise<void> {
    const body = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: this.service } }] },
          scopeSpans: [{ scope: { name: 'agentry' }, spans }],
        },
      ],
    };
    try {
      const res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(EXPORT_TIMEOUT_MS),
      });
      if (!res.ok) throw new Error(`collector answered ${res.status}`);
      await res.arrayBuffer().catch(() => undefined);
    } catch (error) {
      if (Date.now() - this.lastWarning > 60_000) {
        this.lastWarning = Date.now();
        this.logger.warn(`${spans.length} spans dropped: ${(error as Error).message}`);
      }
    }
  }
}

let exporter: OtlpExporter | undefined;

/**
 * Turns export on (`endpoint` = OTEL_EXPORTER_OTLP_ENDPOINT, e.g. http://collector:4318) or off
 * (undefined). One per process, like the logger; answers the flush to run on shutdown.
 */
export function installTracing(service: string, endpoint: string | undefined): () => Promise<void> {
  const previous = exporter;
  exporter = endpoint ? new OtlpExporter(`${endpoint.replace(/\/$/, '')}/v1/traces`, service) : undefined;
  void previous?.flush();
  const mine = exporter;
  return () => mine?.flush() ?? Promise.resolve();
}

/**
 * Starts the span of one hop under `parent` (a traceparent from a header; absent or invalid: a
 * new trace). Its `traceparent` goes into the hop's log context, so the next hop is its child.
 */
export function startSpan(name: string, kind: number, parent: string | undefined, attributes: Record<string, Attribute | undefined> = {}): Span {
  const traceparent = childTraceparent(parent);
  const target = exporter;
  if (!target) return { traceparent, setAttribute: () => undefined, end: () => undefined };
  const attrs = new Map<string, Attribute>();
  for (const [k, v] of Object.entries(attributes)) if (v !== undefined) attrs.set(k, v);
  const start = nowNanos();
  let ended = false;
  return {
    traceparent,
    setAttribute: (key, value) => {
      if (value !== undefined) attrs.set(key, value);
    },
    end: (outcome = {}) => {
      if (ended) return;
      ended = true;
      target.add({
        traceId: traceparent.slice(3, 35),
        spanId: traceparent.slice(36, 52),
        ...(isValidTraceparent(parent) ? { parentSpanId: parent.slice(36, 52) } : {}),
        name,
        kind,
        startTimeUnixNano: start,
        endTimeUnixNano: nowNanos(),
        attributes: [...attrs].map(([key, value]) => ({ key, value: encode(value) })),
        status: outcome.error ? { code: 2, message: outcome.error } : { code: 1 },
      });
    },
  };
}
