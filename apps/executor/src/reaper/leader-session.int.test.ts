/**
 * The reaper's leadership (a Postgres session advisory lock) on a real Postgres: one leader, a
 * dead or frozen leader's lock comes free by itself, and a Postgres that never answers can't wedge
 * a campaign (every call has a timeout).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { createTestDatabase, waitUntil, type TestDatabase } from '@agentry/testing';
import { LeaderSession } from './leader-session.js';

/** A namespace outside the platform's (ADVISORY_LOCK_NAMESPACE): this test must never meet a real lock. */
const LOCK = [0x7e570001, 7] as const;
let db: TestDatabase;
const sessions: LeaderSession[] = [];
const session = (timings = { callTimeoutMs: 2000, leaderIdleTimeoutMs: 60_000 }, url = db.url) => {
  const s = new LeaderSession(url, LOCK, timings, 'leader-session-test');
  sessions.push(s);
  return s;
};

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  for (const s of sessions) await s.drop();
  await db?.drop();
});

afterEach(async () => {
  for (const s of sessions.splice(0)) await s.drop();
});

test('one leader at a time; a leader that stands down frees the lock for the next', async () => {
  const a = session();
  const b = session();
  expect(await a.lead()).toBe(true);
  expect(await b.lead()).toBe(false);
  // Still the leader: its session answers.
  expect(await a.lead()).toBe(true);
  await a.drop();
  expect(await b.lead()).toBe(true);
});

test('a frozen leader (it stops speaking on its session) is disconnected by Postgres, and the lock goes to another', async () => {
  const frozen = session({ callTimeoutMs: 2000, leaderIdleTimeoutMs: 1000 });
  const other = session();
  expect(await frozen.lead()).toBe(true);
  expect(await other.lead()).toBe(false);
  // `frozen` says nothing more; Postgres ends its idle session and the lock with it.
  await waitUntil(() => other.lead(), { timeoutMs: 20_000, intervalMs: 200, message: 'the lock freed from the silent leader' });
  // Woken up, the old leader learns it lost the lock instead of acting as leader.
  expect(await frozen.lead()).toBe(false);
});

test('a control: without the idle timeout, a silent leader keeps the lock', async () => {
  const silent = session({ callTimeoutMs: 2000, leaderIdleTimeoutMs: 0 });
  const other = session();
  expect(await silent.lead()).toBe(true);
  await new Promise((resolve) => setTimeout(resolve, 2500));
  expect(await other.lead()).toBe(false);
});

test('a Postgres that accepts connections and never answers: the campaign gives up (false) instead of hanging', async () => {
  const held: Socket[] = [];
  const blackHole: Server = createServer((socket) => held.push(socket));
  await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
  const { port } = blackHole.address() as { port: number };
  try {
    const stuck = session({ callTimeoutMs: 500, leaderIdleTimeoutMs: 60_000 }, `postgres://u:p@127.0.0.1:${port}/db`);
    expect(await stuck.lead()).toBe(false);
    expect(await stuck.lead()).toBe(false);
  } finally {
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => blackHole.close(resolve));
  }
});
