import type { NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { EVENTS_STREAM } from '@agentry/contracts';
import type { StoredEvent } from '@agentry/event-store';
import { waitUntil } from '@agentry/testing';
import { connectNats } from '@agentry/messaging';
import { startPlatform, type TestPlatform } from '@agentry/platform-harness';

let platform: TestPlatform;
let nc: NatsConnection;
beforeAll(async () => {
  platform = await startPlatform();
  nc = await connectNats(platform.natsUrl, 'relay-test');
});
afterAll(async () => {
  await nc?.close();
  await platform?.close();
});

test('every event a request commits reaches the JetStream stream EVENTS once', async () => {
  const saved = await platform.request('POST', '/api/v1/script/relayed.js', { key: platform.adminKey, form: { text: 'console.log(1)' } });
  expect(saved.status).toBe(200);
  const jsm = await jetstreamManager(nc);
  const published = async () => {
    const events: StoredEvent[] = [];
    const { state } = await jsm.streams.info(EVENTS_STREAM);
    for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
      const msg = await jsm.streams.getMessage(EVENTS_STREAM, { seq });
      if (msg) events.push(msg.json<StoredEvent>());
    }
    return events;
  };
  await waitUntil(async () => (await published()).some((e) => e.streamType === 'script'), { message: 'script event relayed' });
  const events = await published();
  expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
  expect(events.filter((e) => e.streamType === 'script').length).toBeGreaterThan(0);
  // The bootstrap org's events were committed before the relay started: they are relayed too.
  expect(events.some((e) => e.streamType === 'org')).toBe(true);
});
