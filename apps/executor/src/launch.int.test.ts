import { DomainError } from '@agentry/contracts';
import { messagesOf, startExecutorTestbed, type ExecutorTestbed } from './testing/executor-harness.js';

let bed: ExecutorTestbed;

beforeAll(async () => {
  bed = await startExecutorTestbed();
});

afterAll(async () => {
  await bed?.close();
});

async function errorOf(call: Promise<unknown>): Promise<DomainError> {
  try {
    await call;
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return e as DomainError;
  }
  throw new Error('expected a domain error');
}

test('a launch runs the script to its end: queued, started, messages, output sealed, ended with the version it ran', async () => {
  const scriptId = await bed.saveScript('hello.js', 'console.log("hello"); process.stdout.write("world")');
  const saved = await bed.saveAgent({ scriptId, executionTimeLimit: 60 });
  const { containerId } = await bed.launch({ agentId: saved.id });
  const state = await bed.waitEnded(containerId);
  expect(state.ended).toMatchObject({ status: 'complete', endType: 'finished', exitCode: 0, endMessage: 'Agent finished (success)' });
  expect(state.queued.agentVersionId).toBe(saved.versionId);
  const events = await bed.containerEvents(containerId);
  expect(events.map((e) => e.type)).toEqual([
    'ContainerQueued',
    'ContainerStarted',
    'ContainerMessageAdded',
    'ContainerOutputSealed',
    'ContainerMessageAdded',
    'ContainerEnded',
  ]);
  expect(messagesOf(events)).toEqual([
    { text: 'Agent started', type: 'normal', context: ['Launch type: manual', 'Execution time limit: 60s'] },
    { text: 'Agent finished (success)', type: 'success', context: ['Exit code: 0'] },
  ]);
  expect(events[3]!.data).toMatchObject({ outputLength: Buffer.byteLength('hello\nworld') });
});

test('casperjs and phantomjs are refused before anything is recorded', async () => {
  const agentId = await bed.agentWithScript('1');
  const error = await errorOf(bed.launch({ agentId, command: 'casperjs' }));
  expect(error.code).toBe('VALIDATION_FAILED');
  expect(error.fields).toEqual([{ field: 'command', message: 'casperjs is not supported: only node runs' }]);
});
