import { fold } from './container.js';
import { decideStart } from './start-decision.js';
import { queuedState } from './fixtures.test-kit.js';

test('folds a container life: queued → running → ended; counts messages; notes an abort', () => {
  const q = queuedState().queued;
  const state = fold([
    { type: 'ContainerQueued', data: q },
    { type: 'ContainerStarted', data: { containerId: 100, agentId: 7, startedAt: 2, executorId: 'e1' } },
    { type: 'ContainerMessageAdded', data: {} },
    { type: 'ContainerAbortRequested', data: { soft: true } },
    { type: 'ContainerEnded', data: { status: 'cancelled' } },
    { type: 'ContainerStarted', data: { startedAt: 99 } },
  ]);
  expect(state).toMatchObject({ phase: 'ended', messageCount: 1, abort: { soft: true }, started: { executorId: 'e1' }, ended: { status: 'cancelled' } });
  expect(fold([])).toBeNull();
});

test('a queued container starts with "Agent started" and its context; anything else does not start', () => {
  const events = decideStart(queuedState({ launchType: 'user api call' }), { executorId: 'e1', timeLimitSeconds: 60, now: 5 });
  expect(events?.map((e) => e.type)).toEqual(['ContainerStarted', 'ContainerMessageAdded']);
  expect(events?.[1]!.data).toMatchObject({ messageNumber: 1, text: 'Agent started', context: ['Launch type: user api call', 'Execution time limit: 60s'] });
  expect(decideStart(queuedState({}, { phase: 'running' }), { executorId: 'e1', timeLimitSeconds: null, now: 5 })).toBeNull();
});
