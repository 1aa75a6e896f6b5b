import { natsConnectionOptions } from './nats-connection.js';

test('credentials in the URL become client options, the address keeps only host and port', () => {
  expect(natsConnectionOptions('nats://127.0.0.1:4222')).toEqual({ servers: 'nats://127.0.0.1:4222' });
  expect(natsConnectionOptions('nats://agentry:p%40ss%3Aword@127.0.0.1:4222')).toEqual({
    servers: 'nats://127.0.0.1:4222',
    user: 'agentry',
    pass: 'p@ss:word',
    inboxPrefix: '_INBOX.agentry',
  });
});

test("replies arrive on the user's own inbox, the only one its permissions let it read", () => {
  expect(natsConnectionOptions('nats://gateway:pw@127.0.0.1:4222').inboxPrefix).toBe('_INBOX.gateway');
  // A user name that is not one subject token (e.g. holds a dot or a wildcard) keeps the default inbox.
  expect(natsConnectionOptions('nats://a.b:pw@127.0.0.1:4222').inboxPrefix).toBe('_INBOX');
  expect(natsConnectionOptions('nats://%3E:pw@127.0.0.1:4222').inboxPrefix).toBe('_INBOX');
});

test('a cluster: servers separated by commas become a list, the login is taken once', () => {
  expect(natsConnectionOptions('nats://svc:pw@127.0.0.1:4222, nats://svc:pw@127.0.0.1:4223,nats://127.0.0.1:4224')).toEqual({
    servers: ['nats://127.0.0.1:4222', 'nats://127.0.0.1:4223', 'nats://127.0.0.1:4224'],
    user: 'svc',
    pass: 'pw',
    inboxPrefix: '_INBOX.svc',
  });
  expect(natsConnectionOptions('nats://127.0.0.1:4222,nats://127.0.0.1:4223')).toEqual({ servers: ['nats://127.0.0.1:4222', 'nats://127.0.0.1:4223'] });
});
