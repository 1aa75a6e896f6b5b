import 'reflect-metadata';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DomainError, ErrorCode, type Actor, type RequestEnvelope } from '@agentry/contracts';
import { startTestNats } from '@agentry/testing';
import { natsMicroserviceOptions } from './nats-microservice.js';
import { createRpcClient } from './rpc-client.js';
import { rpcReply } from './rpc-reply.js';

const actor: Actor = { orgId: 1, userId: 2, keyId: 3, roles: [], platformAdmin: false };
const envelope = <P>(params: P): RequestEnvelope<P> => ({ actor, params });

/** Which replica answered each request, by replica name. */
const handledBy: string[] = [];
let releaseSlow: () => void = () => {};
const slowGate = new Promise<void>((resolve) => (releaseSlow = resolve));

function testModule(replica: string) {
  @Controller()
  class TestHandlers {
    @MessagePattern('test.echo')
    echo(@Payload() req: RequestEnvelope<{ text: string }>) {
      return rpcReply(() => {
        handledBy.push(replica);
        return { text: req.params.text, orgId: req.actor.orgId };
      });
    }

    @MessagePattern('test.not-found')
    notFound() {
      return rpcReply(() => {
        throw new DomainError(ErrorCode.VALIDATION_FAILED, 'bad name', [{ field: 'name', message: 'required' }]);
      });
    }

    @MessagePattern('test.crash')
    crash() {
      return rpcReply(() => {
        throw new Error('database password is hunter2');
      });
    }

    /** A command that answers once its read models have caught up, which a burst can make take seconds. */
    @MessagePattern('test.catching-up')
    catchingUp() {
      return rpcReply(async () => {
        await new Promise((resolve) => setTimeout(resolve, 6000));
        return 'committed';
      });
    }

    @MessagePattern('test.slow')
    slow() {
      return rpcReply(async () => {
        await slowGate;
        return 'late';
      });
    }
  }

  @Module({ controllers: [TestHandlers] })
  class TestModule {}
  return TestModule;
}

async function startReplica(url: string, replica: string): Promise<INestMicroservice> {
  const app = await NestFactory.createMicroservice(testModule(replica), {
    ...natsMicroserviceOptions({ url, queue: 'test', name: replica, gracePeriodMs: 0 }),
    logger: false,
  });
  await app.listen();
  return app;
}

/**
 * The transport is tested with test-only subjects (`test.echo`, …) that have no entry in
 * RpcContract, so the test calls it through an untyped view of the same client.
 */
interface UntypedRpc {
  request(subject: string, envelope: RequestEnvelope<unknown>, opts?: { timeoutMs?: number }): Promise<unknown>;
  close(): Promise<void>;
}

describe('RPC over NATS (NestJS handlers, RpcClient)', () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  let replicas: INestMicroservice[] = [];
  let client: UntypedRpc;

  beforeAll(async () => {
    nats = await startTestNats();
    replicas = [await startReplica(nats.url, 'a'), await startReplica(nats.url, 'b')];
    client = (await createRpcClient({ url: nats.url, name: 'test-client' })) as unknown as UntypedRpc;
  });

  afterAll(async () => {
    releaseSlow();
    await client?.close();
    for (const app of replicas) await app.close();
    await nats?.stop();
  });

  beforeEach(() => {
    handledBy.length = 0;
  });

  it('answers with the handler data', async () => {
    await expect(client.request('test.echo', envelope({ text: 'hi' }))).resolves.toEqual({ text: 'hi', orgId: 1 });
  });

  it('carries a DomainError code and field errors across the wire', async () => {
    const err = await client.request('test.not-found', envelope({})).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({
      code: ErrorCode.VALIDATION_FAILED,
      message: 'bad name',
      fields: [{ field: 'name', message: 'required' }],
    });
  });

  it('turns an unexpected error into INTERNAL without its message', async () => {
    const err = await client.request('test.crash', envelope({})).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: ErrorCode.INTERNAL, message: 'Internal error' });
  });

  it('answers SERVICE_UNAVAILABLE naming the service when nobody listens', async () => {
    const err = await client.request('registry.agents.save', envelope({})).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: ErrorCode.SERVICE_UNAVAILABLE, message: 'registry service unavailable' });
  });

  it('answers SERVICE_UNAVAILABLE when the handler does not reply in time', async () => {
    const err = await client.request('test.slow', envelope({}), { timeoutMs: 200 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: ErrorCode.SERVICE_UNAVAILABLE, message: 'test service unavailable' });
  });

  it('waits for a command slower than 5 s (one waiting on its read models, up to 10 s) instead of answering SERVICE_UNAVAILABLE while it commits', async () => {
    const [byDefault, control] = await Promise.allSettled([
      client.request('test.catching-up', envelope({})),
      // Control: the former 5 s default gives up on the same command.
      client.request('test.catching-up', envelope({}), { timeoutMs: 5000 }),
    ]);
    expect(byDefault).toEqual({ status: 'fulfilled', value: 'committed' });
    expect(control).toMatchObject({ status: 'rejected', reason: { code: ErrorCode.SERVICE_UNAVAILABLE } });
  }, 30_000);

  it('has each request of a queue group answered by exactly one replica', async () => {
    const requests = 60;
    const replies = await Promise.all(
      Array.from({ length: requests }, (_, i) => client.request('test.echo', envelope({ text: `m${i}` })) as Promise<{ text: string }>),
    );
    expect(replies.map((r) => r.text)).toEqual(Array.from({ length: requests }, (_, i) => `m${i}`));
    expect(handledBy).toHaveLength(requests);
    // Both replicas take part (random distribution: all 60 on one replica has probability 2^-59).
    expect(new Set(handledBy)).toEqual(new Set(['a', 'b']));
  });
});
