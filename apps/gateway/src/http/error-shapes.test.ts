import { ErrorCode, type WireError } from '@agentry/contracts';
import { errorBody, generationOf, statusOf } from './error-shapes.js';

const invalid: WireError = { code: ErrorCode.VALIDATION_FAILED, message: 'Invalid parameters: name', fields: [{ field: 'name', message: 'is required' }] };

test('the generation is chosen from the URL', () => {
  expect(generationOf('GET', '/api/v2/agents/fetch?id=1')).toBe('v2');
  expect(generationOf('GET', '/api/v1/agent/1.json')).toBe('v1');
  expect(generationOf('POST', '/api/v1/agent')).toBe('v1-agent');
  expect(generationOf('POST', '/v1/agents')).toBe('external');
  expect(generationOf('GET', '/nothing')).toBe('v1');
});

test('each generation renders field errors in its own shape', () => {
  expect(errorBody('v1', invalid)).toEqual({ status: 'error', message: invalid.message, code: 'VALIDATION_FAILED', data: { fields: invalid.fields } });
  expect(errorBody('v2', invalid)).toEqual({ status: 'error', error: 'VALIDATION_FAILED', message: invalid.message, details: invalid.fields });
  expect(errorBody('v1-agent', invalid)).toEqual({ status: 'error', code: 'validation_errors', message: invalid.message, errors: { name: ['is required'] } });
  expect(errorBody('external', invalid)).toEqual({ error: invalid.message, details: invalid.fields });
});

test('codes map to the statuses the v1 and v2 API documents give', () => {
  expect(statusOf(ErrorCode.VALIDATION_FAILED)).toBe(400);
  expect(statusOf(ErrorCode.UNAUTHENTICATED)).toBe(401);
  expect(statusOf(ErrorCode.PLAN_LIMIT_REACHED)).toBe(402);
  expect(statusOf(ErrorCode.FORBIDDEN)).toBe(403);
  expect(statusOf(ErrorCode.NOT_FOUND)).toBe(404);
  expect(statusOf(ErrorCode.CONCURRENCY_CONFLICT)).toBe(409);
  expect(statusOf(ErrorCode.PRECONDITION_FAILED)).toBe(412);
  expect(statusOf(ErrorCode.RATE_LIMITED)).toBe(429);
});

test("fields named like Object's own members (constructor, __proto__) are listed, not crashed on", () => {
  const hostile = {
    code: ErrorCode.VALIDATION_FAILED,
    message: 'Invalid',
    fields: [
      { field: 'constructor', message: 'bad' },
      { field: '__proto__', message: 'bad' },
    ],
  };
  const body = errorBody('v1-agent', hostile) as { errors: Record<string, string[]> };
  expect(JSON.parse(JSON.stringify(body.errors))).toEqual({ constructor: ['bad'], ['__proto__']: ['bad'] });
});
