import { RateLimiter } from './rate-limiter.js';
import { rateLimitSubject } from './client-address.js';

describe('RateLimiter (clock passed in)', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000_000;
  });

  test('limit events per window pass, the next waits until a token is back', () => {
    const limiter = new RateLimiter(3, 60_000, 100, clock);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 0]);
    expect(limiter.take('a')).toBe(20); // one token per 20 s
    expect(limiter.retryAfterSeconds('a')).toBe(20);
    expect(limiter.take('b')).toBe(0); // another key has its own budget
    now += 20_000;
    expect(limiter.retryAfterSeconds('a')).toBe(0);
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(20);
  });

  test('a refused attempt takes nothing, so waiting out Retry-After always works', () => {
    const limiter = new RateLimiter(1, 10_000, 100, clock);
    limiter.take('a');
    for (let i = 0; i < 50; i++) limiter.take('a');
    now += 10_000;
    expect(limiter.take('a')).toBe(0);
  });

  test('Retry-After is at least one second', () => {
    const limiter = new RateLimiter(1000, 1000, 100, clock);
    for (let i = 0; i < 1000; i++) limiter.take('a');
    expect(limiter.take('a')).toBe(1);
  });

  test('memory is bounded: the least recently used buckets go first, full ones are forgotten', () => {
    const limiter = new RateLimiter(2, 60_000, 3, clock);
    for (const key of ['a', 'b', 'c', 'd', 'e']) limiter.take(key);
    expect(limiter.size).toBe(3);
    now += 60_000;
    limiter.retryAfterSeconds('e');
    expect(limiter.size).toBe(2);
  });
});

describe('rateLimitSubject: whom a limit counts against', () => {
  test.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:aaaa:bbbb:cccc:dddd', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff::', '2001:db8:1:2::/64'],
    ['::1', '0:0:0:0::/64'],
  ])('%s → %s', (ip, subject) => {
    expect(rateLimitSubject(ip)).toBe(subject);
  });
});
