import { DomainError, ErrorCode } from '@agentry/contracts';
import { encodedEventBytes, maxEventBytes, maxEventBytesFor, NATS_DEFAULT_MAX_PAYLOAD, setMaxEventBytes } from './event-size.js';
import { openTestEventStore, type TestEventStore } from './test-support/test-event-store.js';

let db: TestEventStore;
beforeEach(async () => {
  db = await openTestEventStore(4);
});
afterEach(async () => {
  await db.close();
});

const appendError = (data: unknown, streamId = 'container-1'): Promise<DomainError | undefined> =>
  db.store.append(streamId, 'container', [{ type: 'ContainerResultObjectSet', data }], { expectedVersion: 'any' }).then(
    () => undefined,
    (error: unknown) => {
      if (error instanceof DomainError) return error;
      throw error;
    },
  );

describe('append refuses what the relay could not publish or Postgres could not store', () => {
  it('512 KiB of backslashes encodes past the bus limit: PAYLOAD_TOO_LARGE naming resultObject and the limit; nothing stored', async () => {
    expect(maxEventBytes(db.dataSource)).toBe(maxEventBytesFor(NATS_DEFAULT_MAX_PAYLOAD));
    const error = await appendError({ containerId: 1, resultObject: JSON.stringify({ s: '\\'.repeat(256 * 1024) }) });
    expect(error?.code).toBe(ErrorCode.PAYLOAD_TOO_LARGE);
    expect(error?.fields).toEqual([{ field: 'resultObject', message: expect.stringContaining(`at most ${maxEventBytes(db.dataSource)}`) }]);
    expect(error?.message).toMatch(/^resultObject is too large: .* JSON-encoded/);
    expect((await db.store.readStream('container-1')).version).toBe(0);

    // Control: the same number of raw bytes that encode 1:1 fits.
    expect(await appendError({ containerId: 1, resultObject: JSON.stringify({ s: 'a'.repeat(512 * 1024) }) })).toBeUndefined();
  });

  it('the limit is the encoded size of the whole event: one byte over is refused, exactly at it is accepted', async () => {
    setMaxEventBytes(db.dataSource, 4000);
    const event = (n: number) => ({
      streamId: 'container-2',
      streamType: 'container',
      type: 'ContainerMessageAdded',
      schemaVersion: 1,
      data: { text: '"'.repeat(n) },
      dataJson: JSON.stringify({ text: '"'.repeat(n) }),
      metadataJson: '{}',
    });
    let n = 0;
    while (encodedEventBytes(event(n + 1)) <= 4000) n += 1;
    expect(encodedEventBytes(event(n))).toBeLessThanOrEqual(4000);
    const append = (text: string) =>
      db.store.append('container-2', 'container', [{ type: 'ContainerMessageAdded', data: { text } }], { expectedVersion: 'any' });
    await expect(append('"'.repeat(n))).resolves.toMatchObject({ appended: true });
    await expect(append('"'.repeat(n + 1))).rejects.toMatchObject({ code: ErrorCode.PAYLOAD_TOO_LARGE, fields: [{ field: 'text' }] });
  });

  it('the estimate is never below what the relay publishes (JSON of the stored event) and close to it', async () => {
    const data = { text: 'q"\\\u0001\t\n é 😀 \u2028', nested: { n: 1e21, neg: -0, f: 0.1, list: [null, true, 'x'] }, big: 12345678901234 };
    const metadata = { actor: { orgId: 7, userId: 3, keyId: 2 }, correlationId: 'req-"1"' };
    await db.store.append('container-3', 'container', [{ type: 'ContainerMessageAdded', data, metadata }], { expectedVersion: 'any' });
    const [stored] = (await db.store.readStream('container-3')).events;
    const published = Buffer.byteLength(JSON.stringify(stored), 'utf8');
    const estimate = encodedEventBytes({
      streamId: 'container-3',
      streamType: 'container',
      type: 'ContainerMessageAdded',
      schemaVersion: 1,
      data,
      dataJson: JSON.stringify(data),
      metadataJson: JSON.stringify(metadata),
    });
    expect(estimate).toBeGreaterThanOrEqual(published);
    expect(estimate - published).toBeLessThan(64);
  });

  it('a NUL character or an unpaired surrogate is a field error (jsonb refuses them), an escaped-looking text is fine', async () => {
    expect(await appendError({ containerId: 4, text: 'a\u0000b' })).toMatchObject({ code: ErrorCode.VALIDATION_FAILED, fields: [{ field: 'text' }] });
    expect(await appendError({ containerId: 4, nested: { label: 'x\ud800y' } })).toMatchObject({
      code: ErrorCode.VALIDATION_FAILED,
      fields: [{ field: 'nested.label' }],
    });
    expect(await appendError({ containerId: 4, text: 'lone low \udc00' })).toMatchObject({ fields: [{ field: 'text' }] });
    // Literal backslash-u text and paired surrogates are ordinary characters.
    expect(await appendError({ containerId: 4, text: '\\u0000 \\ud800 😀' })).toBeUndefined();
    expect((await db.store.readStream('container-1')).version).toBe(1); // only the last one
  });
});
