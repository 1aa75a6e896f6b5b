import { ContainerEventType, type ContainerStartedData } from '@agentry/contracts';
import { Counter, Histogram, metrics } from '@agentry/service-kit';
import { firstOfType, type ContainerEvent } from './domain/container-event.js';

const launches = new Counter({
  name: 'agentry_launches_total',
  help: 'Containers queued, by launch type (manual, api, scheduled, retry, …)',
  labelNames: ['launch_type'] as const,
  registers: [metrics],
});

const ends = new Counter({
  name: 'agentry_containers_ended_total',
  help: 'Containers ended, by final status, end type and cause (run, cancelled, executor-lost, executor-stopped, launch-failed; "other" when written without one)',
  labelNames: ['status', 'end_type', 'cause'] as const,
  registers: [metrics],
});

const queueWait = new Histogram({
  name: 'agentry_launch_queue_wait_seconds',
  help: 'From when a container could run (queued, or its notBefore) to its start',
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300, 900, 3600],
  registers: [metrics],
});

const runDuration = new Histogram({
  name: 'agentry_run_duration_seconds',
  help: 'Run time of ended containers that started (start to end)',
  labelNames: ['status'] as const,
  buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 24 * 3600],
  registers: [metrics],
});

/** What the writer knows about the container beyond the events: its start, why it ends, since when it could run. */
export interface ContainerFacts {
  started?: ContainerStartedData | null;
  endCause?: string;
  readyAt?: number;
}

/**
 * Counts what a container stream write recorded. Called once per stored append (not for an
 * idempotent retry), by whichever replica wrote it, so the sum over replicas is exact.
 */
export function countContainerEvents(events: ContainerEvent[], facts: ContainerFacts): void {
  const cause = facts.endCause ?? 'other';
  const started = facts.started ?? null;
  for (const event of events) {
    if (event.type === ContainerEventType.ContainerStarted) {
      const { startedAt } = event.data;
      if (facts.readyAt !== undefined) queueWait.observe(Math.max(0, startedAt - facts.readyAt) / 1000);
    } else if (event.type === ContainerEventType.ContainerQueued) {
      launches.inc({ launch_type: String(event.data.launchType ?? 'unknown') });
    } else if (event.type === ContainerEventType.ContainerEnded) {
      const ended = event.data;
      ends.inc({ status: ended.status, end_type: ended.endType, cause });
      const startedAt = started?.startedAt ?? firstOfType(events, ContainerEventType.ContainerStarted)?.data.startedAt;
      if (startedAt !== undefined) runDuration.observe({ status: ended.status }, Math.max(0, ended.endedAt - startedAt) / 1000);
    }
  }
}
