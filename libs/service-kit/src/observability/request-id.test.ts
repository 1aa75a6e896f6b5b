import { acceptRequestId, childTraceparent, isValidTraceparent, traceIdOf } from './request-id.js';

test('a short id of safe characters is kept', () => {
  expect(acceptRequestId('abc')).toBe('abc');
  expect(acceptRequestId('req-2026.12:06_01/x')).toBe('req-2026.12:06_01/x');
  expect(acceptRequestId(['first', 'second'])).toBe('first');
});

test('a hostile or oversized id is replaced by a generated one', () => {
  for (const bad of ['', 'a b', 'x\ny', 'x\r\nSet-Cookie: a=b', '"quoted"', '<script>', 'é', 'a'.repeat(129), undefined, 42]) {
    const id = acceptRequestId(bad);
    expect(id).not.toBe(bad);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
  }
});

test('traceparent: a valid parent keeps its trace id with a new span; anything else starts a trace', () => {
  const parent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
  const child = childTraceparent(parent);
  expect(isValidTraceparent(child)).toBe(true);
  expect(traceIdOf(child)).toBe('0af7651916cd43dd8448eb211c80319c');
  expect(child).not.toBe(parent);
  for (const bad of ['00-00000000000000000000000000000000-b7ad6b7169203331-01', '01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', 'junk', undefined]) {
    expect(isValidTraceparent(bad)).toBe(false);
    const fresh = childTraceparent(bad);
    expect(isValidTraceparent(fresh)).toBe(true);
    expect(traceIdOf(fresh)).not.toBe('0af7651916cd43dd8448eb211c80319c');
  }
});

test('fresh trace and span ids never repeat, across refills of the random pool', () => {
  // 2,000 traces of 24 random bytes each: about twelve refills of the 4 KiB pool.
  const ids = Array.from({ length: 2000 }, () => childTraceparent(undefined));
  expect(ids.every(isValidTraceparent)).toBe(true);
  expect(new Set(ids.map(traceIdOf)).size).toBe(ids.length);
  expect(new Set(ids.map((id) => id.slice(36, 52))).size).toBe(ids.length);
});
