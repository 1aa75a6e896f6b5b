import { randomBytes } from 'node:crypto';
import { Subjects, outputSubject } from '@agentry/contracts';
import { waitUntil } from '@agentry/testing';
import { OutputTestKit } from '../testing/output-test-kit.js';
import { MAX_OUTPUT_BYTES_PER_READ, UNSEALED_SETTLE_MS } from './output-reader.js';

const ORG = 11;
let kit: OutputTestKit;
let agentId: number;

const readOutput = (containerId: number, fromOutputPos = 0, maxBytes?: number) =>
  kit.request(Subjects.output.containerOutput, ORG, { containerId, fromOutputPos, maxBytes });

/** Polls from `from` until the container's output is complete, as a client would: each read resumes at the last outputPos. */
async function pollAll(containerId: number, from = 0): Promise<{ text: string; reads: number }> {
  let text = '';
  let position = from;
  let reads = 0;
  for (;;) {
    const r = await readOutput(containerId, position);
    reads += 1;
    expect(r.output).not.toContain('\uFFFD'); // never a character cut in two
    text += r.output;
    position = r.outputPos;
    if (r.complete) return { text, reads };
    if (r.output === '') await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

beforeAll(async () => {
  kit = await OutputTestKit.start();
  agentId = await kit.createAgent(ORG, 'printer');
});

afterAll(async () => {
  await kit?.close();
});

it('stores chunks published out of order, duplicated and re-cut, and reads back the exact bytes from any position', async () => {
  const containerId = await kit.queue(ORG, agentId);
  const text = 'line one\nligne deux: déjà vu\n第三行\n🙂 four\n';
  const bytes = Buffer.from(text);
  const cuts = [0, 5, 13, 14, 27, 31, 40, bytes.length];
  const chunks = cuts.slice(1).map((end, i) => ({ offset: cuts[i], data: bytes.subarray(cuts[i], end) }));
  for (const c of [...chunks].reverse()) await kit.publishChunk(containerId, c.offset, c.data);
  await kit.publishChunk(containerId, chunks[2].offset, chunks[2].data); // redelivered
  await kit.publishChunk(containerId, 5, bytes.subarray(5, 30)); // a retry cut differently: overlaps three chunks
  await kit.end(containerId, agentId, 2_000_000);
  await kit.seal(containerId, agentId, bytes.length);

  await waitUntil(async () => (await readOutput(containerId)).complete);
  expect(await readOutput(containerId)).toEqual({ containerId, output: text, outputPos: bytes.length, status: 'ended', complete: true });
  // From every character boundary (inside chunks, at chunk starts, inside the overlapping retry).
  const characters = [...text];
  for (let i = 0, from = 0; i <= characters.length; from += Buffer.byteLength(characters[i] ?? ''), i++) {
    const r = await readOutput(containerId, from);
    expect(r).toMatchObject({ output: characters.slice(i).join(''), outputPos: bytes.length, complete: true });
  }
  const [{ n }] = await kit.dataSource.query(`SELECT count(*)::int AS n FROM output_chunks WHERE container_id = $1`, [containerId]);
  expect(n).toBe(chunks.length); // duplicates stored once (the overlapping retry starts at an existing offset)
});

it('stops at a gap and before a cut character, and goes on once the missing bytes arrive', async () => {
  const containerId = await kit.queue(ORG, agentId);
  await kit.start(containerId, agentId, 1_000_100);
  const euro = Buffer.from('€'); // 3 bytes
  await kit.publishChunk(containerId, 0, Buffer.concat([Buffer.from('ab'), euro.subarray(0, 2)]));
  await kit.publishChunk(containerId, 10, Buffer.from('later'));
  await waitUntil(async () => (await readOutput(containerId)).output === 'ab');
  expect(await readOutput(containerId)).toMatchObject({ output: 'ab', outputPos: 2, status: 'running', complete: false });
  expect(await readOutput(containerId, 2)).toMatchObject({ output: '', outputPos: 2 });

  await kit.publishChunk(containerId, 4, Buffer.concat([euro.subarray(2), Buffer.from('cdefg')])); // bytes 4..9: the gap is filled
  await waitUntil(async () => (await readOutput(containerId, 2)).outputPos === 15);
  expect(await readOutput(containerId, 2)).toMatchObject({ output: '€cdefglater', outputPos: 15, complete: false });

  // The runner seals the output (its final length) before the container ends; 3 bytes are still in flight.
  await kit.seal(containerId, agentId, 18);
  await kit.end(containerId, agentId, 1_000_200);
  expect(await readOutput(containerId, 15)).toMatchObject({ output: '', outputPos: 15, status: 'ended', complete: false });
  await kit.publishChunk(containerId, 15, Buffer.from('end'));
  await waitUntil(async () => (await readOutput(containerId, 15)).complete);
  expect(await readOutput(containerId, 15)).toEqual({ containerId, output: 'end', outputPos: 18, status: 'ended', complete: true });
});

it('an output never sealed (its executor died) is complete once its last chunks have had time to arrive', async () => {
  const lost = { status: 'failed', endType: 'killed', exitCode: null, endMessage: 'Executor lost' } as const;
  const justEnded = await kit.queue(ORG, agentId);
  await kit.start(justEnded, agentId, Date.now() - 1000);
  await kit.publishChunk(justEnded, 0, Buffer.from([0x61, 0xe2, 0x82]));
  await kit.end(justEnded, agentId, Date.now(), lost);
  await waitUntil(async () => (await readOutput(justEnded)).outputPos === 1);
  expect(await readOutput(justEnded)).toMatchObject({ output: 'a', outputPos: 1, status: 'ended', complete: false });

  const endedLongAgo = await kit.queue(ORG, agentId);
  await kit.start(endedLongAgo, agentId, Date.now() - UNSEALED_SETTLE_MS - 1000);
  await kit.publishChunk(endedLongAgo, 0, Buffer.from([0x61, 0xe2, 0x82]));
  await kit.end(endedLongAgo, agentId, Date.now() - UNSEALED_SETTLE_MS, lost);
  // At the very end an incomplete character can never be completed: it is answered rather than stalled on.
  await waitUntil(async () => (await readOutput(endedLongAgo)).complete);
  expect(await readOutput(endedLongAgo)).toMatchObject({ output: 'a\uFFFD', outputPos: 3, complete: true });

  const neverRan = await kit.queue(ORG, agentId);
  await kit.end(neverRan, agentId, Date.now(), { status: 'cancelled', endType: 'killed', exitCode: null, endMessage: 'Agent aborted' });
  expect(await readOutput(neverRan)).toMatchObject({ output: '', outputPos: 0, status: 'ended', complete: true });
});

it('caps one read and lets maxBytes ask for less, without splitting characters', async () => {
  const containerId = await kit.queue(ORG, agentId);
  const bytes = Buffer.from('é'.repeat(MAX_OUTPUT_BYTES_PER_READ)); // twice the cap
  for (let offset = 0; offset < bytes.length; offset += 60_000) {
    await kit.publishChunk(containerId, offset, bytes.subarray(offset, Math.min(bytes.length, offset + 60_000)));
  }
  await waitUntil(async () => (await readOutput(containerId, bytes.length - 2)).outputPos === bytes.length);
  const first = await readOutput(containerId);
  expect(first.outputPos).toBe(MAX_OUTPUT_BYTES_PER_READ);
  const small = await readOutput(containerId, 0, 5);
  expect(small).toMatchObject({ output: 'éé', outputPos: 4 });
});

it('drops a malformed message without holding up the chunks after it', async () => {
  const containerId = await kit.queue(ORG, agentId);
  const { jetstream } = await import('@nats-io/jetstream');
  const { connect } = await import('@nats-io/transport-node');
  const nc = await connect({ servers: kit.nats.url });
  await jetstream(nc).publish(outputSubject(containerId), 'not json');
  await nc.close();
  await kit.publishChunk(containerId, 0, Buffer.from('fine'));
  await waitUntil(async () => (await readOutput(containerId)).output === 'fine');
});

it('keeps what executors publish while the service is down, and stores it once back', async () => {
  const containerId = await kit.queue(ORG, agentId);
  await kit.publishChunk(containerId, 0, Buffer.from('before, '));
  await waitUntil(async () => (await readOutput(containerId)).outputPos === 8);
  await kit.restartOutput(async () => {
    await kit.publishChunk(containerId, 8, Buffer.from('during, '));
  });
  await kit.publishChunk(containerId, 16, Buffer.from('after'));
  await waitUntil(async () => (await readOutput(containerId)).outputPos === 21);
  expect((await readOutput(containerId)).output).toBe('before, during, after');
});

it('a 10 MB output polled by outputPos while it is written reassembles exactly', async () => {
  const containerId = await kit.queue(ORG, agentId);
  await kit.start(containerId, agentId, 1_000_400);
  // Mixed one- to four-byte characters, so chunk and read limits fall inside characters.
  const alphabet = ['a', 'b', '\n', 'é', 'ß', '€', '中', '🙂', '\u0001'];
  const random = randomBytes(4 * 1024 * 1024);
  const pieces: string[] = [];
  for (let i = 0, size = 0; size < 10 * 1024 * 1024; i++) {
    const piece = alphabet[random[i % random.length] % alphabet.length].repeat(1 + (i % 7));
    pieces.push(piece);
    size += Buffer.byteLength(piece);
  }
  const text = pieces.join('');
  const bytes = Buffer.from(text);

  const writer = (async () => {
    const chunkSize = 48_611; // not a multiple of anything
    const offsets: number[] = [];
    for (let offset = 0; offset < bytes.length; offset += chunkSize) offsets.push(offset);
    // Neighbours swapped: the service receives every pair out of order.
    for (let i = 0; i < offsets.length; i += 2) {
      for (const offset of [offsets[i + 1], offsets[i]].filter((o) => o !== undefined)) {
        await kit.publishChunk(containerId, offset, bytes.subarray(offset, Math.min(bytes.length, offset + chunkSize)));
      }
    }
    await kit.seal(containerId, agentId, bytes.length);
    await kit.end(containerId, agentId, 1_000_500);
  })();

  const polled = await pollAll(containerId);
  await writer;
  expect(polled.text.length).toBe(text.length);
  expect(polled.text === text).toBe(true);
  expect(polled.reads).toBeGreaterThanOrEqual(Math.ceil(bytes.length / MAX_OUTPUT_BYTES_PER_READ));
});
