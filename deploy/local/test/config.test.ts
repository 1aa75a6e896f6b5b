import path from 'node:path';
import { ConfigError } from '@agentry/config';
import { loadLauncherConfig } from '../lib/config.mjs';
import { REPO_ROOT } from '../lib/paths.mjs';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadLauncherConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

test('an empty environment starts everything embedded on 127.0.0.1:3000 with data in .agentry/', () => {
  expect(loadLauncherConfig({})).toEqual({
    databaseUrl: undefined,
    natsUrl: undefined,
    secretKey: undefined,
    bootstrapApiKey: undefined,
    port: 3000,
    host: '127.0.0.1',
    logLevel: 'info',
    logFormat: 'pretty',
    dataDir: path.join(REPO_ROOT, '.agentry'),
  });
});

test('set values are taken as given', () => {
  const secret = 'ab'.repeat(32);
  const config = loadLauncherConfig({
    DATABASE_URL: 'postgres://u:p@db:5432/agentry',
    NATS_URL: 'nats://nats:4222',
    AGENTRY_SECRET_KEY: secret,
    AGENTRY_BOOTSTRAP_API_KEY: 'admin_key-1:x',
    PORT: '8080',
    HOST: '0.0.0.0',
    LOG_LEVEL: 'debug',
    LOG_FORMAT: 'json',
    AGENTRY_DATA_DIR: 'relative/dir',
  });
  expect(config).toEqual({
    databaseUrl: 'postgres://u:p@db:5432/agentry',
    natsUrl: 'nats://nats:4222',
    secretKey: secret,
    bootstrapApiKey: 'admin_key-1:x',
    port: 8080,
    host: '0.0.0.0',
    logLevel: 'debug',
    logFormat: 'json',
    dataDir: path.resolve('relative/dir'),
  });
});

test('every bad value is reported at once, naming the variable and what to set', () => {
  const problems = problemsOf({
    DATABASE_URL: 'mysql://db/x',
    NATS_URL: 'not a url',
    AGENTRY_SECRET_KEY: 'too-short',
    AGENTRY_BOOTSTRAP_API_KEY: 'has spaces in it',
    PORT: '0',
    HOST: 'two words',
    LOG_LEVEL: 'loud',
  });
  expect(problems).toEqual([
    expect.stringMatching(/^DATABASE_URL must use postgres or postgresql:\/\//),
    expect.stringMatching(/^NATS_URL is not a valid URL \(e\.g\. nats:\/\//),
    expect.stringMatching(/^AGENTRY_SECRET_KEY must be 32 random bytes/),
    expect.stringMatching(/^AGENTRY_BOOTSTRAP_API_KEY must be 5 to 50 characters/),
    'PORT must be a port number 1-65535 (e.g. PORT=3000), got "0"',
    expect.stringMatching(/^HOST must be an IP address or host name/),
    expect.stringMatching(/^LOG_LEVEL must be one of error, warn, info, debug/),
  ]);
});

test.each(['abc', '65536', '-1', '80.5'])('PORT=%s is refused', (port) => {
  expect(problemsOf({ PORT: port })).toEqual([`PORT must be a port number 1-65535 (e.g. PORT=3000), got "${port}"`]);
});

test('an empty variable counts as unset', () => {
  expect(loadLauncherConfig({ DATABASE_URL: '', PORT: '', AGENTRY_SECRET_KEY: '' })).toMatchObject({
    databaseUrl: undefined,
    port: 3000,
    secretKey: undefined,
  });
});
