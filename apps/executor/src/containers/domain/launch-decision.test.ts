import { assertInstanceLimit, decideLaunch } from './launch-decision.js';
import { parseLaunchRequest } from './launch-request.js';
import { snapshotOf } from './fixtures.test-kit.js';

const facts = { containerId: 100, versionId: 'v-2', argument: '{"a":1}', launchedBy: { userId: 1, keyId: 2 }, now: 5000 };

test('records a queued container with its version, argument, parallelism, launcher and launch metadata', () => {
  const req = parseLaunchRequest({
    agentId: 7,
    launchType: 'manual',
    bonusArgument: { a: 1 },
    idempotencyKey: 'k',
    notBefore: 1_800_000_000_000,
    userCustomMetadata: { campaign: 'spring' },
  });
  const decision = decideLaunch(req, snapshotOf({ settings: { maxParallelism: 3 } }), facts);
  expect(decision.runnable).toBe(true);
  expect(decision.events).toEqual([
    {
      type: 'ContainerQueued',
      data: {
        containerId: 100,
        agentId: 7,
        orgId: 3,
        launchType: 'manual',
        agentVersionId: 'v-2',
        queuedAt: 5000,
        argument: '{"a":1}',
        bonusArgument: '{"a":1}',
        retryNumber: 0,
        retryOfContainerId: null,
        notBefore: 1_800_000_000_000,
        maxParallelism: 3,
        launchedBy: { userId: 1, keyId: 2 },
        idempotencyKey: 'k',
        userCustomMetadata: { campaign: 'spring' },
        internalMetadata: null,
      },
    },
  ]);
});

test('an agent without a script is recorded and fails at once ("launch failed")', () => {
  const decision = decideLaunch(parseLaunchRequest({ agentId: 7, launchType: 'manual' }), snapshotOf({ script: false }), facts);
  expect(decision.runnable).toBe(false);
  expect(decision.events.map((e) => e.type)).toEqual(['ContainerQueued', 'ContainerMessageAdded', 'ContainerEnded']);
  expect(decision.events[2]!.data).toMatchObject({ status: 'failed', endMessage: 'Agent has no associated script', launchFailed: true, exitCode: null });
  expect(decision.events[1]!.data).toMatchObject({ messageNumber: 1, text: 'Agent has no associated script', type: 'error' });
});

test('an agent whose script is .coffee is recorded and fails at once, saying the runtime is Node only', () => {
  const coffee = { ...snapshotOf(), script: { id: 5, name: 'nice_agent.coffee', text: 'a = 1' } };
  const decision = decideLaunch(parseLaunchRequest({ agentId: 7, launchType: 'manual' }), coffee, facts);
  expect(decision.runnable).toBe(false);
  const message = /^CoffeeScript \(\.coffee\) scripts are stored but cannot be launched: the runtime runs Node\.js only/;
  expect(decision.events[2]!.data).toMatchObject({ status: 'failed', endMessage: expect.stringMatching(message), launchFailed: true });
  expect(decision.events[1]!.data).toMatchObject({ text: expect.stringMatching(message), type: 'error' });
  // Control: the same agent with a .js or .mjs script runs.
  for (const name of ['nice_agent.js', 'nice_agent.mjs']) {
    expect(decideLaunch(parseLaunchRequest({ agentId: 7, launchType: 'manual' }), { ...coffee, script: { ...coffee.script, name } }, facts).runnable).toBe(
      true,
    );
  }
});

test('maxInstanceCount refuses while that many instances are queued or running', () => {
  const req = parseLaunchRequest({ agentId: 7, launchType: 'manual', maxInstanceCount: 2 });
  expect(() => assertInstanceLimit(req, 2)).toThrow(/already has 2 running or queued/);
  expect(() => assertInstanceLimit(req, 1)).not.toThrow();
  expect(() => assertInstanceLimit({ ...req, maxInstanceCount: null }, 9)).not.toThrow();
});
