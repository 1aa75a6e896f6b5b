import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { jetstreamManager } from '@nats-io/jetstream';
import { LIFECYCLE_STREAM, LIFECYCLE_SUBJECTS, lifecycleSubject, type LifecycleEvent } from '@agentry/events';
import { useTestJetStream, waitUntil } from '@agentry/testing';
import { LifecycleSubscriberModule } from './index.js';

const bed = useTestJetStream();

/** An application service the handler writes to (what a real subscriber injects: a repository). */
@Injectable()
class Inbox {
  readonly received: LifecycleEvent[] = [];
}
@Module({ providers: [Inbox], exports: [Inbox] })
class InboxModule {}

test('the NestJS module subscribes at bootstrap with injected providers, and stops at shutdown (its consumer is idle after close)', async () => {
  await (await jetstreamManager(bed.nc)).streams.add({ name: LIFECYCLE_STREAM, subjects: [LIFECYCLE_SUBJECTS] });
  const event = {
    id: `evt_${'1'.repeat(32)}`,
    type: 'agent.deleted',
    version: 1,
    orgId: '5',
    agentId: '6',
    occurredAt: 1,
    data: { at: 1, by: { userId: '1', keyId: '2' } },
  };
  await bed.js.publish(lifecycleSubject('5', 'agent.deleted'), JSON.stringify(event), { msgID: event.id });

  @Module({
    imports: [
      InboxModule,
      LifecycleSubscriberModule.register({
        imports: [InboxModule],
        inject: [Inbox],
        useFactory: (inbox: Inbox) => ({ nc: bed.nc, durable: 'nest-kit', types: ['agent.deleted'], handler: (e) => void inbox.received.push(e) }),
      }),
    ],
  })
  class AppModule {}

  const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  await app.init();
  const inbox = app.get(Inbox);
  await waitUntil(() => inbox.received.length === 1, { message: 'the event reached the injected service' });
  await app.close();
  expect(inbox.received.map((e) => e.id)).toEqual([event.id]);
  const info = await (await jetstreamManager(bed.nc)).consumers.info(LIFECYCLE_STREAM, 'nest-kit');
  expect(info.num_ack_pending).toBe(0);
  expect(info.delivered.stream_seq).toBe(1);
});
