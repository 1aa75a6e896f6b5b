import { decideEnd, summarizeEnd, type RunResult } from './end-decision.js';
import { queuedState } from './fixtures.test-kit.js';

const run = (r: Partial<RunResult>): RunResult => ({ reason: 'exited', exitCode: 0, signal: null, outputLength: 10, ...r });
const summary = (r: Partial<RunResult>) => {
  const { status, endType, endMessage, exitCode } = summarizeEnd({ kind: 'run', result: run(r) });
  return { status, endType, endMessage, exitCode };
};

test('the v1 API end statuses and messages for each way a run ends', () => {
  expect(summary({})).toEqual({ status: 'complete', endType: 'finished', endMessage: 'Agent finished (success)', exitCode: 0 });
  expect(summary({ exitCode: 3 })).toEqual({ status: 'failed', endType: 'finished', endMessage: 'Agent finished (error)', exitCode: 3 });
  expect(summary({ exitCode: null, signal: 'SIGKILL' })).toEqual({
    status: 'failed',
    endType: 'finished',
    endMessage: 'Agent finished (error)',
    exitCode: null,
  });
  expect(summary({ reason: 'time-limit', exitCode: null, signal: 'SIGKILL' })).toEqual({
    status: 'failed',
    endType: 'agent timeout',
    endMessage: 'Execution time limit reached',
    exitCode: null,
  });
  expect(summary({ reason: 'aborted', exitCode: null })).toMatchObject({ status: 'cancelled', endType: 'killed', endMessage: 'Agent aborted' });
  expect(summary({ reason: 'output-limit' })).toMatchObject({ status: 'failed', endType: 'killed' });
  expect(summary({ reason: 'memory-limit', exitCode: null, signal: 'SIGKILL' })).toMatchObject({
    status: 'failed',
    endType: 'killed',
    endMessage: 'Memory limit reached',
  });
  expect(summary({ reason: 'disk-limit', exitCode: null, signal: 'SIGKILL' })).toMatchObject({
    status: 'failed',
    endType: 'killed',
    endMessage: 'Disk limit reached',
  });
  expect(summarizeEnd({ kind: 'executor-lost' })).toMatchObject({ status: 'failed', endMessage: 'Executor lost' });
  expect(summarizeEnd({ kind: 'launch-failed', message: 'Agent is retired' })).toMatchObject({
    status: 'failed',
    launchFailed: true,
    endMessage: 'Agent is retired',
  });
});

test('a run ends with the sealed output length, the end message (next number) and ContainerEnded', () => {
  const state = queuedState({}, { phase: 'running', messageCount: 2 });
  const events = decideEnd(state, { kind: 'run', result: run({ exitCode: 1, outputLength: 1234 }) }, 9000);
  expect(events).toEqual([
    { type: 'ContainerOutputSealed', data: { containerId: 100, agentId: 7, outputLength: 1234, at: 9000 } },
    {
      type: 'ContainerMessageAdded',
      data: { containerId: 100, agentId: 7, messageNumber: 3, text: 'Agent finished (error)', type: 'error', context: ['Exit code: 1'], at: 9000 },
    },
    {
      type: 'ContainerEnded',
      data: { containerId: 100, agentId: 7, status: 'failed', endType: 'finished', exitCode: 1, endMessage: 'Agent finished (error)', endedAt: 9000 },
    },
  ]);
});

test('a container that is queued when aborted is cancelled without output; an ended one changes no more', () => {
  expect(decideEnd(queuedState(), { kind: 'cancelled' }, 1).map((e) => e.type)).toEqual(['ContainerMessageAdded', 'ContainerEnded']);
  expect(decideEnd(queuedState({}, { phase: 'ended' }), { kind: 'cancelled' }, 1)).toEqual([]);
});
