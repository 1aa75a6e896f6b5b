import { connect, createServer } from 'node:net';
import { isDependencyUnavailable } from './dependency-errors.js';

/** A real refused connection on loopback: a port that was just freed. */
async function refusedConnectionError(): Promise<Error> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return new Promise((resolve) => connect(port, '127.0.0.1').on('error', resolve));
}

test('a refused connection, bare or wrapped the way TypeORM and pg wrap it, is "dependency unavailable"', async () => {
  const refused = await refusedConnectionError();
  expect(isDependencyUnavailable(refused)).toBe(true);
  expect(isDependencyUnavailable(Object.assign(new Error('query failed'), { driverError: refused }))).toBe(true);
  expect(isDependencyUnavailable(new Error('outer', { cause: refused }))).toBe(true);
  expect(isDependencyUnavailable(new AggregateError([refused], 'connect failed'))).toBe(true);
});

test.each([
  ['admin shutdown (57P01)', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
  ['connection failure (08006)', Object.assign(new Error('connection failure'), { code: '08006' })],
  ['too many connections (53300)', Object.assign(new Error('sorry, too many clients already'), { code: '53300' })],
  ['a terminated connection', new Error('Connection terminated unexpectedly')],
  ['a pool timeout', new Error('timeout exceeded when trying to connect')],
])('Postgres: %s is "dependency unavailable"', (_label, error) => {
  expect(isDependencyUnavailable(error)).toBe(true);
});

test.each([
  ['a bug', new TypeError("Cannot read properties of undefined (reading 'x')")],
  ['a constraint violation (23505)', Object.assign(new Error('duplicate key'), { code: '23505' })],
  ['a syntax error (42601)', Object.assign(new Error('syntax error'), { code: '42601' })],
  ['not an error', 'text'],
])('control: %s is not', (_label, error) => {
  expect(isDependencyUnavailable(error)).toBe(false);
});
