import { afterAll, beforeAll } from '@jest/globals';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { startTestNats, type TestNats } from './test-nats.js';

/** A test NATS server for the whole file, with one connection (the test's own login) and its JetStream client. */
export class TestJetStream {
  private server?: TestNats;
  private connection?: NatsConnection;
  private client?: JetStreamClient;

  get nats(): TestNats {
    return this.opened(this.server);
  }

  get nc(): NatsConnection {
    return this.opened(this.connection);
  }

  get js(): JetStreamClient {
    return this.opened(this.client);
  }

  async open(): Promise<void> {
    this.server = await startTestNats();
    this.connection = await connect({ servers: this.server.url });
    this.client = jetstream(this.connection);
  }

  async close(): Promise<void> {
    await this.connection?.close();
    await this.server?.stop();
  }

  private opened<T>(value: T | undefined): T {
    if (value === undefined) throw new Error('the test JetStream is used before beforeAll opened it');
    return value;
  }
}

/** A TestJetStream opened before the file's (or describe block's) tests and stopped after them. */
export function useTestJetStream(): TestJetStream {
  const bed = new TestJetStream();
  beforeAll(() => bed.open());
  afterAll(() => bed.close());
  return bed;
}
