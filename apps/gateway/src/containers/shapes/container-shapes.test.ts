import type { AgentOutputResult, ContainerView } from '@agentry/contracts';
import { v1ContainerRecord, v1EndStatus, v1Output } from './v1-container.shape.js';
import { v2AgentOutput, v2Container, v2Status } from './v2-container.shape.js';

const ended: ContainerView = {
  id: 195119,
  agentId: 4,
  orgId: 1,
  status: 'ended',
  launchType: 'scheduled repeatedly',
  launchNumber: 476,
  agentVersionId: 'v3',
  retryNumber: 0,
  retryOfContainerId: null,
  queuedAt: 1427810471_000,
  startedAt: 1427810471_500,
  endedAt: 1427812088_900,
  finalStatus: 'failed',
  endType: 'finished',
  endMessage: 'Agent finished (error)',
  exitCode: 1,
  progress: null,
  outputLength: 10,
};

test('containers.json entries: seconds, v1 launch type and end status', () => {
  expect(v1ContainerRecord(ended)).toEqual({
    id: 195119,
    queueDate: 1427810471,
    launchDate: 1427810471,
    launchType: 'automatic',
    launchNumber: 476,
    endDate: 1427812088,
    lastEndMessage: 'Agent finished (error)',
    lastEndStatus: 'error',
    exitCode: 1,
  });
  expect(v1EndStatus({ ...ended, startedAt: null, launchFailed: true, endMessage: 'Agent has no associated script' })).toBe('launch failed');
  expect(v1EndStatus({ ...ended, finalStatus: 'cancelled' })).toBe('cancelled');
  expect(v1EndStatus({ ...ended, status: 'running', finalStatus: null })).toBeNull();
});

const output: AgentOutputResult = {
  agentStatus: 'running',
  containerStatus: 'running',
  runningContainers: 1,
  queuedContainers: 0,
  containerId: 76427,
  progress: { progress: 0.1, label: 'Initializing...', runtime: 3 },
  messages: [{ id: 65444, date: 1414080820_123, text: 'Agent started', type: 'normal', context: ['Launch type: manual'] }],
  output: 'hello',
  outputPos: 5,
  resultObject: '{"your":"data"}',
  container: { ...ended, status: 'running', finalStatus: null, endedAt: null, exitCode: null },
};

test('output.json: containerStatus only in track mode, result object parsed and only when set', () => {
  const track = v1Output(output, 'track');
  expect(track).toMatchObject({ containerStatus: 'running', resultObject: { your: 'data' }, messages: [{ id: 65444, date: 1414080820 }] });
  const recent = v1Output({ ...output, resultObject: null }, 'most-recent');
  expect(recent).not.toHaveProperty('containerStatus');
  expect(recent).not.toHaveProperty('resultObject');
});

test('v2 vocabulary: statuses, string ids, ms', () => {
  expect(v2Status({ ...ended, status: 'queued' })).toBe('starting');
  expect(v2Status({ ...ended, status: 'running' })).toBe('running');
  expect(v2Status(ended)).toBe('finished');
  expect(v2Status({ ...ended, startedAt: null, launchFailed: true })).toBe('launch error');
  expect(v2Container(ended)).toMatchObject({ id: '195119', agentId: '4', createdAt: 1427810471_000, endedAt: 1427812088_900, retryOfContainerId: null });
  // Agentry's addition: the result files the run stored, null when none.
  expect(v2Container(ended)).toMatchObject({ csvName: null, jsonName: null });
  expect(v2Container({ ...ended, csvName: 'leads', jsonName: 'result' })).toMatchObject({ csvName: 'leads', jsonName: 'result' });
});

test('v2 fetch-output: progress a number beside its label, runtime events with slug and timestamp, canSoftAbort while running', () => {
  const answer = v2AgentOutput(output, { runtimeEventIndex: 0 });
  expect(answer).toMatchObject({ progress: 0.1, progressLabel: 'Initializing...', canSoftAbort: true, isAgentRunning: true });
  expect(answer.runtimeEvents[0]).toMatchObject({ slug: 'normal', timestamp: 1414080820_123 });
  expect(v2AgentOutput({ ...output, agentStatus: 'not running' }, { runtimeEventIndex: 0 }).canSoftAbort).toBe(false);
});

test('v2 fetch-output pages runtime events by index, from 0 again when the container changed', () => {
  const two = { ...output, messages: [...output.messages, { ...output.messages[0]!, id: 65450 }] };
  expect(v2AgentOutput(two, { containerId: 76427, runtimeEventIndex: 1 })).toMatchObject({
    containerId: '76427',
    status: 'running',
    runtimeEvents: [{ id: '65450' }],
    nextRuntimeEventIndex: 2,
  });
  expect(v2AgentOutput(two, { containerId: 1, runtimeEventIndex: 1 }).runtimeEvents).toHaveLength(2);
  expect(v2AgentOutput({ ...two, progress: null, container: null }, { runtimeEventIndex: 0 })).not.toHaveProperty('progress');
  expect(v2AgentOutput({ ...two, containerId: null, container: null, messages: [] }, { runtimeEventIndex: 0 }).status).toBe('never launched');
});
