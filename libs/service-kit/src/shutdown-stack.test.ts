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
