import { jetstreamManager, RetentionPolicy } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { OUTPUT_STREAM, OUTPUT_STREAM_SUBJECTS, Subjects, outputSubject } from '@agentry/contracts';
import { startTestNats } from '@agentry/testing';
import { ensureOutputStream } from './output-stream.js';
import { subjectMatches } from './subject-match.js';

describe('OUTPUT stream', () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  let nc: NatsConnection;

  beforeAll(async () => {
    nats = await startTestNats();
    nc = await connect({ servers: nats.url });
  });

  afterAll(async () => {
    await nc?.close();
    await nats?.stop();
  });

  it('captures console chunks and none of the request subjects (a captured request would be answered with a PubAck)', () => {
    expect(subjectMatches(OUTPUT_STREAM_SUBJECTS, outputSubject(42))).toBe(true);
    const requestSubjects = Object.values(Subjects).flatMap((group) => Object.values(group));
    expect(requestSubjects.filter((subject) => subjectMatches(OUTPUT_STREAM_SUBJECTS, subject))).toEqual([]);
  });

  it('is created once, by whichever service comes first, and brought back to its configuration', async () => {
    await Promise.all([ensureOutputStream(nc), ensureOutputStream(nc)]);
    const jsm = await jetstreamManager(nc);
    await jsm.streams.update(OUTPUT_STREAM, { max_bytes: 1024 });
    await ensureOutputStream(nc);
    const { config } = await jsm.streams.info(OUTPUT_STREAM);
    expect(config).toMatchObject({ subjects: [OUTPUT_STREAM_SUBJECTS], retention: RetentionPolicy.Limits, max_bytes: 4 * 1024 ** 3 });
  });
});
