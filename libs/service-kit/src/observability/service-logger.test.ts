import { Logger } from '@nestjs/common';
import { runWithLogContext } from './log-context.js';
import { MAX_MESSAGE_CHARS, ServiceLogger, type LogRecord } from './service-logger.js';

const capture = (opts: Partial<ConstructorParameters<typeof ServiceLogger>[0]> = {}) => {
  const lines: string[] = [];
  const logger = new ServiceLogger({ service: 'registry', level: 'info', format: 'json', write: (l) => lines.push(l), ...opts });
  return { logger, lines, records: () => lines.map((l) => JSON.parse(l) as LogRecord) };
};

test('one JSON object per line with time, level, service, context and message', () => {
  const { logger, lines, records } = capture();
  logger.log('registry ready', 'Registry');
  expect(lines).toHaveLength(1);
  expect(lines[0]).not.toContain('\n');
  expect(records()[0]).toMatchObject({ level: 'info', service: 'registry', context: 'Registry', message: 'registry ready' });
  expect(new Date(records()[0]!.time).toISOString()).toBe(records()[0]!.time);
});

test('the request context (request id, org, container, trace id) is on every line logged within it', () => {
  const { logger, records } = capture();
  runWithLogContext({ requestId: 'abc', orgId: 7, containerId: 42, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }, () =>
    logger.warn('slow', 'Agents'),
  );
  logger.log('outside');
  expect(records()[0]).toMatchObject({ requestId: 'abc', orgId: 7, containerId: 42, traceId: '0af7651916cd43dd8448eb211c80319c' });
  expect(records()[1]!.requestId).toBeUndefined();
});

test('LOG_LEVEL drops what is below it; debug and verbose are debug', () => {
  const { logger, records } = capture({ level: 'warn' });
  logger.log('info line');
  logger.debug('debug line');
  logger.warn('warn line');
  logger.error('error line');
  expect(records().map((r) => r.level)).toEqual(['warn', 'error']);
  const debug = capture({ level: 'debug' });
  debug.logger.verbose('v');
  expect(debug.records()[0]!.level).toBe('debug');
});

test("Nest's error(message, stack, context) and an Error give the error's name and message", () => {
  const { logger, records } = capture();
  const boom = new TypeError('bad thing');
  logger.error('failed', boom.stack, 'Rpc');
  logger.error(boom, 'Rpc');
  logger.error('no stack', undefined, 'Rpc');
  const [withStack, withError, plain] = records();
  expect(withStack).toMatchObject({ context: 'Rpc', message: 'failed', error: { stack: expect.stringContaining('TypeError: bad thing') } });
  expect(withError).toMatchObject({ context: 'Rpc', message: 'bad thing', error: { name: 'TypeError', message: 'bad thing' } });
  expect(plain).toMatchObject({ context: 'Rpc', message: 'no stack' });
  expect(plain!.error).toBeUndefined();
});

test('a message cannot forge a second line: newlines stay inside the JSON string', () => {
  const { logger, lines } = capture();
  logger.log('first\n{"level":"error","message":"forged"}');
  expect(lines).toHaveLength(1);
  expect(JSON.parse(lines[0]!).message).toBe('first\n{"level":"error","message":"forged"}');
});

test('credentials in messages, errors and logged objects are masked', () => {
  const { logger, lines } = capture();
  logger.error(new Error('connect failed: postgres://agentry:hunter2@db:5432/agentry'));
  logger.log('GET /api/v1/agent?key=ak_abcdefghij_SECRETSECRETSECRET and Bearer tok123');
  logger.log({ user: 'u', password: 'hunter2', nested: { apiKey: 'k-secret' } });
  logger.warn('nats://svc:p4ss@nats:4222 unreachable');
  const out = lines.join('\n');
  for (const secret of ['hunter2', 'SECRETSECRETSECRET', 'tok123', 'k-secret', 'p4ss']) expect(out).not.toContain(secret);
  expect(out).toContain('postgres://agentry:***@db:5432');
});

test('JSON into pipes, readable text only on a terminal or when asked; colours only on a terminal', () => {
  const auto = capture({ format: 'auto', isTty: false });
  auto.logger.log('x', 'Ctx');
  expect(() => JSON.parse(auto.lines[0]!)).not.toThrow();
  const tty = capture({ format: 'auto', isTty: true });
  runWithLogContext({ requestId: 'abc' }, () => tty.logger.log('hello', 'Ctx'));
  expect(tty.lines[0]).toContain('\x1b[');
  expect(tty.lines[0]).toMatch(/INFO.*\[Ctx\].*hello.*req=abc/);
  const pretty = capture({ format: 'pretty', isTty: false });
  pretty.logger.log('hello', 'Ctx');
  expect(pretty.lines[0]).not.toContain('\x1b[');
  expect(pretty.lines[0]).toMatch(/INFO +\[Ctx\] hello/);
});

test('every `new Logger(context)` of the process writes through the installed logger', () => {
  const { logger, records } = capture();
  Logger.overrideLogger(logger);
  try {
    new Logger('Scheduler').log('scheduler ready');
    new Logger('Scheduler').error('tick failed');
  } finally {
    Logger.overrideLogger(false as never);
  }
  expect(records()).toMatchObject([
    { context: 'Scheduler', message: 'scheduler ready', level: 'info' },
    { context: 'Scheduler', message: 'tick failed', level: 'error' },
  ]);
});

test('an oversized message or error is cut, so one line stays bounded', () => {
  const { logger, lines, records } = capture();
  logger.log('x'.repeat(MAX_MESSAGE_CHARS * 4));
  logger.error(new Error('y'.repeat(MAX_MESSAGE_CHARS * 4)));
  for (const line of lines) expect(line.length).toBeLessThan(MAX_MESSAGE_CHARS * 3 + 1000);
  expect(records()[0]!.message).toMatch(/…\[49152 more characters\]$/);
});
