import { ContainerEventType } from '@agentry/contracts';
import { metrics } from '@agentry/service-kit';
import { countContainerEvents } from './container-metrics.js';
import type { ContainerEvent } from './domain/container-event.js';

const value = async (name: string, labels: Record<string, string>) => {
  const samples = (await metrics.getMetricsAsJSON()).flatMap((m) => m.values.map((v) => ({ ...v, name: (v as { metricName?: string }).metricName ?? m.name })));
  return samples.find((v) => v.name === name && Object.entries(labels).every(([k, l]) => String(v.labels[k]) === l))?.value ?? 0;
};

const ended = (status: string, endType: string, endedAt: number) =>
  ({
    type: ContainerEventType.ContainerEnded,
    data: { containerId: 1, agentId: 2, status, endType, exitCode: null, endMessage: 'x', endedAt },
  }) as unknown as ContainerEvent;

test('an end is counted by status, end type and cause; a started one observes its run time', async () => {
  countContainerEvents([ended('failed', 'unknown', 10_000)], { started: { containerId: 1, agentId: 2, startedAt: 4_000 }, endCause: 'executor-lost' });
  countContainerEvents([ended('failed', 'unknown', 10_000)], {});
  expect(await value('agentry_containers_ended_total', { status: 'failed', end_type: 'unknown', cause: 'executor-lost' })).toBe(1);
  expect(await value('agentry_containers_ended_total', { status: 'failed', end_type: 'unknown', cause: 'other' })).toBe(1);
  expect(await value('agentry_run_duration_seconds_count', { status: 'failed' })).toBe(1);
  expect(await value('agentry_run_duration_seconds_sum', { status: 'failed' })).toBe(6);
});

test('a start observes the queue wait from when the container could run', async () => {
  const started = { type: ContainerEventType.ContainerStarted, data: { containerId: 1, agentId: 2, startedAt: 7_500 } } as unknown as ContainerEvent;
  countContainerEvents([started], { readyAt: 5_000 });
  countContainerEvents([started], {});
  expect(await value('agentry_launch_queue_wait_seconds_count', {})).toBe(1);
  expect(await value('agentry_launch_queue_wait_seconds_sum', {})).toBe(2.5);
});
