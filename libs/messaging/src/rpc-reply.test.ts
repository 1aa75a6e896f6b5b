import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { DomainError, ErrorCode, notFound } from '@agentry/contracts';
import { rpcReply } from './rpc-reply.js';

describe('rpcReply', () => {
  afterEach(() => jest.restoreAllMocks());

  it('wraps a value, sync or async', async () => {
    await expect(rpcReply(() => 42)).resolves.toEqual({ ok: true, data: 42 });
    await expect(rpcReply(async () => ({ id: '7' }))).resolves.toEqual({ ok: true, data: { id: '7' } });
  });

  it('answers a DomainError as its wire form', async () => {
    await expect(rpcReply(() => Promise.reject(notFound('Agent')))).resolves.toEqual({
      ok: false,
      error: { code: ErrorCode.NOT_FOUND, message: 'Agent not found' },
    });
    const limited = new DomainError(ErrorCode.RATE_LIMITED, 'slow down', undefined, 30);
    await expect(
      rpcReply(() => {
        throw limited;
      }),
    ).resolves.toEqual({
      ok: false,
      error: { code: ErrorCode.RATE_LIMITED, message: 'slow down', retryAfterSeconds: 30 },
    });
  });

  it('hides any other error behind INTERNAL and logs its message and stack', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const reply = await rpcReply(() => {
      throw new TypeError('cannot read x of undefined');
    });
    expect(reply).toEqual({ ok: false, error: { code: ErrorCode.INTERNAL, message: 'Internal error' } });
    expect(logged).toHaveBeenCalledTimes(1);
    const [message, stack] = logged.mock.calls[0] as [string, string];
    expect(message).toBe('cannot read x of undefined');
    expect(stack).toContain('TypeError: cannot read x of undefined');
  });
});
