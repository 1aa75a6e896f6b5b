import { ShutdownStack } from './shutdown-stack.js';

test('unwinds in reverse order', async () => {
  const order: string[] = [];
  const stack = new ShutdownStack();
  stack.push(async () => order.push('db'));
  stack.push(async () => order.push('nats'));
  await stack.unwind();
  expect(order).toEqual(['nats', 'db']);
});

test('a failed boot stops what it had started and rethrows', async () => {
  const order: string[] = [];
  const stack = new ShutdownStack();
  await expect(
    stack.boot(async (s) => {
      s.push(async () => order.push('db'));
      throw new Error('nats down');
    }),
  ).rejects.toThrow('nats down');
  expect(order).toEqual(['db']);
});

test('a step that throws does not keep the earlier ones open; its error comes out at the end', async () => {
  const order: string[] = [];
  const stack = new ShutdownStack();
  stack.push(async () => order.push('db'), 'database');
  stack.push(async () => {
    throw new Error('server stuck');
  }, 'health server');
  stack.push(async () => order.push('worker'), 'worker');
  await expect(stack.unwind()).rejects.toThrow('server stuck');
  expect(order).toEqual(['worker', 'db']);
});
