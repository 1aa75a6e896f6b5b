import {
  boundedInteger,
  ConfigError,
  databaseUrl,
  key256,
  loadConfig,
  natsUrl,
  optionalInteger,
  optionalPort,
  port,
  requiredUrl,
  streamReplicas,
} from './index.js';

const spec = { DATABASE_URL: requiredUrl(['postgres', 'postgresql'], 'postgres://u:p@localhost:5432/db'), PORT: port(3000), KEY: key256() };

test('lists every problem at once, naming the variable and what to set', () => {
  expect(() => loadConfig(spec, { PORT: 'abc' })).toThrow(ConfigError);
  try {
    loadConfig(spec, { PORT: 'abc', DATABASE_URL: 'mysql://x' });
  } catch (e) {
    const problems = (e as ConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/DATABASE_URL must use postgres/);
    expect(problems[1]).toMatch(/PORT must be a port number/);
    expect(problems[2]).toMatch(/KEY is required/);
  }
});

test('parses valid values and applies defaults', () => {
  const hex = 'ab'.repeat(32);
  const cfg = loadConfig(spec, { DATABASE_URL: 'postgres://a@b/c', KEY: hex });
  expect(cfg.PORT).toBe(3000);
  expect(cfg.KEY.length).toBe(32);
  expect(loadConfig(spec, { DATABASE_URL: 'postgres://a@b/c', KEY: Buffer.alloc(32, 7).toString('base64') }).KEY[0]).toBe(7);
});

test('NATS_URL takes one server or a comma-separated cluster with one login; a bad entry is named without echoing it', () => {
  const spec = { NATS_URL: natsUrl() };
  expect(loadConfig(spec, { NATS_URL: 'nats://u:p@a:4222,nats://u:p@b:4222,nats://c:4222' }).NATS_URL).toBe(
    'nats://u:p@a:4222,nats://u:p@b:4222,nats://c:4222',
  );
  const problem = (raw: string) => {
    try {
      loadConfig(spec, { NATS_URL: raw });
    } catch (error) {
      return (error as ConfigError).problems.join('; ');
    }
    return 'accepted';
  };
  expect(problem('nats://u:p@a:4222,nats://u:other@b:4222')).toMatch(/different logins/);
  expect(problem('nats://u:secret@a:4222,,nats://b:1')).toMatch(/empty entry/);
  expect(problem('nats://u:secret@a:4222,http://b:1')).toMatch(/nats:\/\/ for every server/);
  expect(problem('nats://u:secret@a:4222,not a url')).not.toMatch(/secret/);
  expect(problem('')).toMatch(/NATS_URL is required/);
});

test('NATS_STREAM_REPLICAS: unset by default (streams keep their replicas), 1 to 5 when set', () => {
  const spec = { NATS_STREAM_REPLICAS: streamReplicas() };
  expect(loadConfig(spec, {}).NATS_STREAM_REPLICAS).toBeUndefined();
  expect(loadConfig(spec, { NATS_STREAM_REPLICAS: '3' }).NATS_STREAM_REPLICAS).toBe(3);
  for (const bad of ['0', '6', '3.0', 'three', '-1'])
    expect(() => loadConfig(spec, { NATS_STREAM_REPLICAS: bad })).toThrow(/NATS_STREAM_REPLICAS must be 1 to 5/);
});

test('boundedInteger takes digits only, within its bounds, and says the range it wants', () => {
  const spec = { SLOTS: boundedInteger(4, 1, 1000), DAYS: boundedInteger(7, 1, undefined, 'of days') };
  expect(loadConfig(spec, {})).toEqual({ SLOTS: 4, DAYS: 7 });
  expect(loadConfig(spec, { SLOTS: '1000', DAYS: '36500' })).toEqual({ SLOTS: 1000, DAYS: 36500 });
  for (const bad of ['0', '1001', '-1', '1e3', ' 12', '12.0', '0x10', '99999999999999999999']) {
    expect(() => loadConfig(spec, { SLOTS: bad })).toThrow(`SLOTS must be a whole number from 1 to 1000, got "${bad}"`);
  }
  expect(() => loadConfig(spec, { DAYS: '0' })).toThrow('DAYS must be a whole number of days, at least 1, got "0"');
});

test('optionalInteger and optionalPort: unset is undefined; set, the same digits-only rules and words, saying what unset means', () => {
  const spec = {
    LIMIT: optionalInteger(1024, undefined, 'of bytes', "for the server's limit"),
    SLOTS: optionalInteger(1, 10),
    HEALTH: optionalPort('for no health server'),
  };
  expect(loadConfig(spec, {})).toEqual({ LIMIT: undefined, SLOTS: undefined, HEALTH: undefined });
  expect(loadConfig(spec, { LIMIT: '1024', SLOTS: '10', HEALTH: '0' })).toEqual({ LIMIT: 1024, SLOTS: 10, HEALTH: 0 });
  for (const bad of ['1023', '-2048', '1e6', ' 4096', '4096.0', '0x1000']) {
    expect(() => loadConfig(spec, { LIMIT: bad })).toThrow(
      `LIMIT must be a whole number of bytes, at least 1024 (or unset for the server's limit), got "${bad}"`,
    );
  }
  expect(() => loadConfig(spec, { SLOTS: '11' })).toThrow('SLOTS must be a whole number from 1 to 10, got "11"');
  for (const bad of ['65536', '-1', '80.0', ' 80', 'http']) {
    expect(() => loadConfig(spec, { HEALTH: bad })).toThrow(`HEALTH must be a port number 0-65535 (or unset for no health server), got "${bad}"`);
    // The same reader as a port with a default.
    expect(() => loadConfig({ PORT: port(3000) }, { PORT: bad })).toThrow(`PORT must be a port number 0-65535, got "${bad}"`);
  }
});

test('databaseUrl is required and must be postgres://', () => {
  expect(() => loadConfig({ DATABASE_URL: databaseUrl() }, {})).toThrow(/DATABASE_URL/);
  expect(() => loadConfig({ DATABASE_URL: databaseUrl() }, { DATABASE_URL: 'mysql://db/x' })).toThrow(/DATABASE_URL/);
  expect(loadConfig({ DATABASE_URL: databaseUrl() }, { DATABASE_URL: 'postgres://u:p@db:5432/agentry' })).toEqual({
    DATABASE_URL: 'postgres://u:p@db:5432/agentry',
  });
});
