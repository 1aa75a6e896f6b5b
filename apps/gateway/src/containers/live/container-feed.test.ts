import { Subjects, type Actor, type ContainerOutputResult, type FetchContainerResult, type LiveMessage } from '@agentry/contracts';
import { ContainerFeed, type FeedEvent, type FeedSource } from './container-feed.js';
import { HUB_POLLS_PER_SECOND, hubPollPeriodMs, RecentOutput, SharedOutputSource } from './container-hub.js';

/**
 * The output service as the feed sees it, in memory: stored bytes grow as the test "persists"
 * them, reads answer at most 5 bytes (paging), and the record follows the container's life.
 */
class StoredContainer implements FeedSource {
  stored = Buffer.alloc(0);
  status: 'queued' | 'running' | 'ended' = 'queued';
  resultObject: string | null = null;
  known = true;

  persist(text: string): void {
    this.stored = Buffer.concat([this.stored, Buffer.from(text)]);
  }

  async readStored(from: number): Promise<ContainerOutputResult | null> {
    if (!this.known) return null;
    const bytes = this.stored.subarray(from, from + 5);
    const outputPos = from + bytes.length;
    const complete = this.status === 'ended' && outputPos >= this.stored.length;
    return { containerId: 7, output: bytes.toString('utf8'), outputPos, status: this.status, complete };
  }

  async fetch(): Promise<FetchContainerResult | null> {
    if (!this.known) return null;
    return { id: 7, status: this.status, resultObject: this.resultObject, exitCode: this.status === 'ended' ? 0 : null } as FetchContainerResult;
  }
}

const live = (offset: number, text: string): LiveMessage => ({ type: 'output', containerId: 7, offset, data: Buffer.from(text).toString('base64') });
const fast = { pollMs: 20, maxRetryMs: 20 };

/** Runs the feed to its end, letting `script` act after each event (the index of the event). */
async function collect(feed: ContainerFeed, script: (index: number, event: FeedEvent) => void = () => undefined): Promise<FeedEvent[]> {
  const events: FeedEvent[] = [];
  for await (const event of feed.events(new AbortController().signal)) {
    events.push(event);
    script(events.length - 1, event);
  }
  return events;
}

function outputOf(events: FeedEvent[], from = 0): string {
  let position = from;
  let text = '';
  for (const e of events) {
    if (e.kind !== 'output') continue;
    expect(e.from).toBe(position); // contiguous: no gap, no overlap
    position = e.to;
    text += e.bytes.toString('utf8');
  }
  return text;
}

test('output stored before the watch, overlapping and lost live messages: every byte once, in order', async () => {
  const source = new StoredContainer();
  source.status = 'running';
  source.persist('hello world\n'); // printed before the subscription existed
  const feed = new ContainerFeed(source, 0, fast);
  feed.deliver(live(6, 'world\nsecond')); // overlaps what is stored
  const events = await collect(feed, (index) => {
    if (index !== 0) return;
    // Later: a live message is lost (bytes 18–23), the next one arrives; storage catches up afterwards.
    feed.deliver(live(24, 'fourth\n'));
    setTimeout(() => source.persist('second line\nthird\nfourth\n'), 30);
    setTimeout(() => {
      source.status = 'ended';
      feed.deliver({ type: 'status', containerId: 7, status: 'ended', exitCode: 0 });
    }, 60);
  });
  expect(events[0]).toEqual({ kind: 'status', status: 'running' });
  expect(outputOf(events)).toBe('hello world\nsecond line\nthird\nfourth\n');
  const last = events[events.length - 1]!;
  expect(last.kind).toBe('ended');
  if (last.kind === 'ended') {
    expect(last.outputPos).toBe(source.stored.length);
    expect((await last.record()).status).toBe('ended');
  }
});

test('a watch resumed from a position gets the rest only', async () => {
  const source = new StoredContainer();
  source.persist('0123456789abcdef');
  source.status = 'ended';
  const events = await collect(new ContainerFeed(source, 10, fast));
  expect(outputOf(events, 10)).toBe('abcdef');
  expect(events.map((e) => e.kind)).toEqual(['output', 'output', 'ended']);
});

test('the end is noticed by polling when the live status message is missed; queued → running is announced', async () => {
  const source = new StoredContainer();
  source.known = false; // just launched: the output service has not projected it yet
  const feed = new ContainerFeed(source, 0, fast);
  const events = await collect(feed, (index, event) => {
    if (index === 0 && event.kind === 'status') {
      source.known = true;
      feed.deliver({ type: 'status', containerId: 7, status: 'running' });
      feed.deliver(live(0, 'only line\n'));
      setTimeout(() => {
        source.persist('only line\n');
        source.status = 'ended';
      }, 10);
    }
  });
  expect(events.map((e) => (e.kind === 'status' ? e.status : e.kind))).toEqual(['queued', 'running', 'output', 'ended']);
  expect(outputOf(events)).toBe('only line\n');
});

test('each new result object once, whether it comes live or from the record', async () => {
  const source = new StoredContainer();
  source.status = 'running';
  const feed = new ContainerFeed(source, 0, fast);
  const events = await collect(feed, (index) => {
    if (index !== 0) return;
    feed.deliver({ type: 'result', containerId: 7, resultObject: '{"a":1}' });
    source.resultObject = '{"a":1}';
    setTimeout(() => {
      source.resultObject = '{"a":2}'; // its live message lost: the poll finds it
      setTimeout(() => (source.status = 'ended'), 50);
    }, 10);
  });
  expect(events.filter((e) => e.kind === 'result')).toEqual([
    { kind: 'result', resultObject: '{"a":1}' },
    { kind: 'result', resultObject: '{"a":2}' },
  ]);
});

/** The output service before its read model has a just-launched container: every read waits until `release()`. */
class NotYetProjected extends StoredContainer {
  released = false;
  private open!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.open = resolve));
  release(): void {
    this.released = true;
    this.open();
  }
  override async readStored(from: number): Promise<ContainerOutputResult | null> {
    await this.gate;
    return super.readStored(from);
  }
  override async fetch(): Promise<FetchContainerResult | null> {
    await this.gate;
    return super.fetch();
  }
}

test.each([
  { justQueued: true, outputBeforeAnyRead: true },
  { justQueued: false, outputBeforeAnyRead: false }, // control: the feed asks the output service first
])(
  "a container its follower's own launch just queued: live output before any read of the output service ($justQueued)",
  async ({ justQueued, outputBeforeAnyRead }) => {
    const source = new NotYetProjected();
    const feed = new ContainerFeed(source, 0, fast, justQueued);
    feed.deliver({ type: 'status', containerId: 7, status: 'running' });
    feed.deliver(live(0, 'first line\n'));
    let releasedAtOutput: boolean | null = null;
    if (!justQueued) setTimeout(() => source.release(), 30);
    const events = await collect(feed, (_, event) => {
      if (event.kind !== 'output' || releasedAtOutput !== null) return;
      releasedAtOutput = source.released;
      source.persist('first line\n');
      source.status = 'ended';
      source.release();
      feed.deliver({ type: 'status', containerId: 7, status: 'ended', exitCode: 0 });
    });
    expect(releasedAtOutput).toBe(!outputBeforeAnyRead);
    expect(events.map((e) => (e.kind === 'status' ? e.status : e.kind))).toEqual(['queued', 'running', 'output', 'ended']);
    expect(outputOf(events)).toBe('first line\n');
  },
);

test('a just-queued container that printed and ended before its follower subscribed: read once nothing live came', async () => {
  const source = new StoredContainer();
  source.persist('all of it\n');
  source.status = 'ended';
  const events = await collect(new ContainerFeed(source, 0, fast, true));
  expect(events.map((e) => (e.kind === 'status' ? e.status : e.kind))).toEqual(['queued', 'output', 'output', 'ended']); // read in pages of 5
  expect(outputOf(events)).toBe('all of it\n');
});

test('closing the watch ends the feed without an ended event', async () => {
  const source = new StoredContainer();
  const feed = new ContainerFeed(source, 0, fast);
  const stop = new AbortController();
  const kinds: string[] = [];
  for await (const event of feed.events(stop.signal)) {
    kinds.push(event.kind);
    stop.abort();
  }
  expect(kinds).toEqual(['status']);
});

test('a follower joining late fills the gap between stored and live output from what its hub heard, without waiting for storage', async () => {
  const source = new StoredContainer();
  source.status = 'running';
  source.persist('hello '); // the output service is behind: 'world\n' is not stored yet
  const heard = new RecentOutput();
  heard.add(3, Buffer.from('lo world\n')); // heard live before this follower joined
  const joined: FeedSource = { readStored: (from) => source.readStored(from), fetch: () => source.fetch(), recentOutput: (from) => heard.from(from) };
  const feed = new ContainerFeed(joined, 0, { pollMs: null, maxRetryMs: 20 });
  heard.add(12, Buffer.from('more\n'));
  feed.deliver(live(12, 'more\n'));
  const events = await collect(feed, (_index, event) => {
    // Storage catches up only once the live bytes were given: reading it for the gap would never end.
    if (event.kind === 'output' && event.bytes.toString().includes('more')) {
      source.persist('world\nmore\n');
      source.status = 'ended';
      feed.receive({ type: 'status', containerId: 7, status: 'ended', exitCode: 0 }); // as the hub's poll would hand it over
    }
  });
  expect(outputOf(events)).toBe('hello world\nmore\n');
  expect(events[events.length - 1]!.kind).toBe('ended');
});

test('what a hub keeps of live output: contiguous, bounded, restarted after a lost message', () => {
  const recent = new RecentOutput(10);
  recent.add(0, Buffer.from('abcd'));
  recent.add(2, Buffer.from('cdef')); // overlap kept once
  expect(recent.from(1)?.toString()).toBe('bcdef');
  recent.add(6, Buffer.from('ghijkl')); // 12 bytes kept > 10: the oldest chunk goes
  expect(recent.from(0)).toBeNull();
  expect(recent.from(4)?.toString()).toBe('efghijkl');
  recent.add(20, Buffer.from('xy')); // bytes 12–19 lost: nothing before 20 leads up to it
  expect(recent.from(6)).toBeNull();
  expect(recent.from(20)?.toString()).toBe('xy');
  expect(recent.from(22)).toBeNull();
});

test('followers at different positions inside the last stored read take their part of it without a read of their own; inside a character they ask', async () => {
  const storage = new StoredContainer();
  storage.status = 'running';
  storage.persist('h\u00e9llo world\n'); // 'é' is bytes 1–2; reads answer 5 bytes at most
  const asked: number[] = [];
  const client = {
    call: async (subject: string, _actor: unknown, params: { fromOutputPos?: number }) => {
      asked.push(params.fromOutputPos!);
      return subject === Subjects.output.containerOutput ? storage.readStored(params.fromOutputPos!) : storage.fetch();
    },
  };
  const source = new SharedOutputSource(client as unknown as ConstructorParameters<typeof SharedOutputSource>[0], { orgId: 1 } as Actor, 7);
  const text = async (from: number) => (await source.readStored(from))!.output;

  expect(await text(0)).toBe('h\u00e9ll'); // bytes 0–4
  expect(await text(3)).toBe('ll'); // a later follower, inside that read: no request
  expect(await text(4)).toBe('l');
  expect(asked).toEqual([0]);
  // Control: byte 2 is the second byte of 'é' — no text starts there, so that follower's read is its own.
  await source.readStored(2);
  expect(asked).toEqual([0, 2]);
  // Everyone who took the rest of a read is now at its end, where one request serves them all.
  expect(await Promise.all([text(5), text(5), text(5)])).toEqual(['o wor', 'o wor', 'o wor']);
  expect(asked).toEqual([0, 2, 5]);
});

test('the record polls of every hub of a replica stay within HUB_POLLS_PER_SECOND, and a few hubs poll every base period', () => {
  expect(hubPollPeriodMs(1, 2000)).toBe(2000);
  expect(hubPollPeriodMs(HUB_POLLS_PER_SECOND * 2, 2000)).toBe(2000);
  for (const hubs of [501, 1000, 5000, 50_000]) {
    const period = hubPollPeriodMs(hubs, 2000);
    expect(period).toBeGreaterThan(2000);
    expect((hubs * 1000) / period).toBeLessThanOrEqual(HUB_POLLS_PER_SECOND);
  }
});
