import type { LoggerService } from '@nestjs/common';
import type { LogLevel } from '@agentry/config';
import { currentLogContext } from './log-context.js';
import { traceIdOf } from './request-id.js';
import { redactSecrets, stringifyForLog } from './log-redaction.js';

export type LogFormat = 'json' | 'pretty';
/** LOG_FORMAT: `auto` is pretty on a terminal, JSON into files and pipes (what collectors read). */
export type LogFormatSetting = LogFormat | 'auto';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug';
const SEVERITY: Record<Level, number> = { fatal: 0, error: 1, warn: 2, info: 3, debug: 4 };
const THRESHOLD: Record<LogLevel, number> = { error: 1, warn: 2, info: 3, debug: 4 };

export interface ServiceLoggerOptions {
  service: string;
  level: LogLevel;
  format?: LogFormatSetting;
  /** Where lines go (default: stdout). Tests pass their own. */
  write?: (line: string) => void;
  /** Whether `auto` sees a terminal (default: process.stdout.isTTY). */
  isTty?: boolean;
}

export interface LogRecord {
  time: string;
  level: Level;
  service: string;
  context?: string;
  message: string;
  requestId?: string;
  traceId?: string;
  orgId?: number;
  containerId?: number;
  error?: { name: string; message: string; stack?: string };
}

/** A message longer than this is cut (a huge error text or echoed input must not make a multi-megabyte line). */
export const MAX_MESSAGE_CHARS = 16_384;
const capped = (text: string): string =>
  text.length <= MAX_MESSAGE_CHARS ? text : `${text.slice(0, MAX_MESSAGE_CHARS)}…[${text.length - MAX_MESSAGE_CHARS} more characters]`;

const COLOURS: Record<Level, string> = { fatal: '\x1b[35m', error: '\x1b[31m', warn: '\x1b[33m', info: '\x1b[32m', debug: '\x1b[36m' };
const DIM = '\x1b[2m';
const RESET = '\x1b[0m';

/**
 * The logger of every service (given to Nest as `logger`, which also makes it the target of every
 * `new Logger(context)` in the process): one JSON object per line with the request's context, or
 * readable text on a terminal. Levels follow LOG_LEVEL.
 *
 * Nest calls `log(message, ...params, context)` and `error(message, stack | undefined, context)`:
 * the last string parameter is the context, a preceding string on `error` is a stack.
 */
export class ServiceLogger implements LoggerService {
  readonly format: LogFormat;
  private readonly threshold: number;
  private readonly write: (line: string) => void;

  constructor(private readonly options: ServiceLoggerOptions) {
    const setting = options.format ?? 'auto';
    this.format = setting === 'auto' ? ((options.isTty ?? process.stdout.isTTY) ? 'pretty' : 'json') : setting;
    this.threshold = THRESHOLD[options.level];
    this.write = options.write ?? ((line) => process.stdout.write(line + '\n'));
  }

  isEnabled(level: Level): boolean {
    return SEVERITY[level] <= this.threshold;
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.emit('fatal', message, params, true);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.emit('error', message, params, true);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.emit('warn', message, params, false);
  }
  log(message: unknown, ...params: unknown[]): void {
    this.emit('info', message, params, false);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.emit('debug', message, params, false);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.emit('debug', message, params, false);
  }

  private emit(level: Level, message: unknown, params: unknown[], mayHaveStack: boolean): void {
    if (!this.isEnabled(level)) return;
    const rest = [...params];
    const context = typeof rest.at(-1) === 'string' && rest.length > 0 ? (rest.pop() as string) : undefined;
    const stackParam = mayHaveStack && typeof rest[0] === 'string' ? (rest.shift() as string) : undefined;
    if (mayHaveStack && rest[0] === undefined) rest.shift();
    this.write(this.render(this.record(level, message, context, stackParam, rest)));
  }

  private record(level: Level, message: unknown, context: string | undefined, stack: string | undefined, extra: unknown[]): LogRecord {
    const ctx = currentLogContext();
    const record: LogRecord = {
      time: new Date().toISOString(),
      level,
      service: ctx.service ?? this.options.service,
      ...(context ? { context } : {}),
      message: '',
    };
    const error = [message, ...extra].find((m): m is Error => m instanceof Error);
    record.message = redactSecrets(message instanceof Error ? message.message : typeof message === 'string' ? message : stringifyForLog(message));
    const details = extra.filter((m) => !(m instanceof Error) && m !== undefined);
    if (details.length) record.message += ' ' + details.map((d) => (typeof d === 'string' ? redactSecrets(d) : stringifyForLog(d))).join(' ');
    record.message = capped(record.message);
    if (ctx.requestId) record.requestId = ctx.requestId;
    const traceId = traceIdOf(ctx.traceparent);
    if (traceId) record.traceId = traceId;
    if (ctx.orgId !== undefined) record.orgId = ctx.orgId;
    if (ctx.containerId !== undefined) record.containerId = ctx.containerId;
    if (error)
      record.error = { name: error.name, message: capped(redactSecrets(error.message)), ...(error.stack ? { stack: capped(redactSecrets(error.stack)) } : {}) };
    else if (stack) record.error = { name: 'Error', message: record.message, stack: capped(redactSecrets(stack)) };
    return record;
  }

  private render(record: LogRecord): string {
    if (this.format === 'json') return JSON.stringify(record);
    return renderPretty(record, this.options.isTty ?? process.stdout.isTTY ?? false);
  }
}

/** One readable line (colours only on a terminal); the launcher uses it for the JSON lines it receives. */
export function renderPretty(record: LogRecord, colours: boolean): string {
  const paint = (code: string, text: string) => (colours ? `${code}${text}${RESET}` : text);
  const time = record.time.slice(11, 23);
  const ids = [
    record.requestId ? `req=${record.requestId}` : '',
    record.orgId !== undefined ? `org=${record.orgId}` : '',
    record.containerId !== undefined ? `container=${record.containerId}` : '',
  ].filter(Boolean);
  const stack = record.error?.stack ? `\n${record.error.stack}` : '';
  return (
    `${paint(DIM, time)} ${paint(COLOURS[record.level] ?? '', record.level.toUpperCase().padEnd(5))} ` +
    `${record.context ? paint(DIM, `[${record.context}] `) : ''}${record.message}` +
    `${ids.length ? ' ' + paint(DIM, `(${ids.join(' ')})`) : ''}${stack}`
  );
}
