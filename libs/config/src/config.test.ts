import { ConfigError, key256, loadConfig, port, requiredUrl } from './index.js';

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
