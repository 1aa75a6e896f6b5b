import { natsConnectionOptions } from './nats-connection.js';

test('credentials in the URL become client options, the address keeps only host and port', () => {
  expect(natsConnectionOptions('nats://127.0.0.1:4222')).toEqual({ servers: 'nats://127.0.0.1:4222' });
  expect(natsConnectionOptions('nats://agentry:p%40ss%3Aword@127.0.0.1:4222')).toEqual({
    servers: 'nats://127.0.0.1:4222',
    user: 'agentry',
    pass: 'p@ss:word',
  });
});
