import { agentStatusOf, containerStatusOf, cursorFor, runtimeSeconds } from './agent-output.js';

test('agent status: running wins over queued', () => {
  expect(agentStatusOf({ running: 1, queued: 3 })).toBe('running');
  expect(agentStatusOf({ running: 0, queued: 1 })).toBe('queued');
  expect(agentStatusOf({ running: 0, queued: 0 })).toBe('not running');
});

test('an ended container is "not running"', () => {
  expect(containerStatusOf('ended')).toBe('not running');
  expect(containerStatusOf('queued')).toBe('queued');
  expect(containerStatusOf('running')).toBe('running');
});

test('runtime counts whole seconds from the start to the end, or to now while running', () => {
  expect(runtimeSeconds({ startedAt: null, endedAt: null }, 10_000)).toBe(0);
  expect(runtimeSeconds({ startedAt: 1_000, endedAt: null }, 4_900)).toBe(3);
  expect(runtimeSeconds({ startedAt: 1_000, endedAt: 18_000 }, 99_000)).toBe(17);
});

test('most-recent mode restarts the positions when the instance changed', () => {
  const cursor = { fromOutputPos: 245, fromMessageId: 65444 };
  expect(cursorFor(7, 7, cursor)).toEqual(cursor);
  expect(cursorFor(8, 7, cursor)).toEqual({ fromOutputPos: 0, fromMessageId: 0 });
  expect(cursorFor(8, 0, { fromOutputPos: 0, fromMessageId: -1 })).toEqual({ fromOutputPos: 0, fromMessageId: -1 });
});
