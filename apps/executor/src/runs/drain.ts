import { Logger } from '@nestjs/common';
import type { LaunchWorker } from './launch-worker.js';
import type { LocalRuns } from './local-runs.js';

/**
 * What a replica does with its runs when it is told to go (SIGTERM, e.g. a rolling update): it stops
 * pulling launches at once (those in hand go back to the queue for another replica), lets the runs
 * in progress finish for up to `graceMs`, then stops the rest. A stopped run ends failed "Executor
 * stopped" and is handed back: the RetryScheduler relaunches it at once on another replica without
 * counting it against the agent's maxRetryNumber (containers/domain/retry-decision.ts). So a rolling
 * update loses no run; a run longer than the grace starts over elsewhere (scripts are re-runnable,
 * as for any retry).
 *
 * Ending and relaunching was chosen over putting the same container back in the queue: a container
 * runs once (queued → running → ended is the whole lifecycle every reader relies on), and its
 * partial output and events stay with the attempt that produced them.
 */
export async function drainRuns(worker: LaunchWorker, runs: LocalRuns, graceMs: number): Promise<void> {
  const logger = new Logger('Drain');
  await worker.stop();
  const running = runs.all().length;
  if (running) logger.log(`draining: ${running} run(s) in progress get up to ${graceMs} ms to finish; no new run starts here`);
  const finished = worker.runsInProgress();
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), graceMs);
  });
  const timedOut = await Promise.race([finished.then(() => false), graceOver]);
  clearTimeout(timer);
  if (timedOut) {
    const left = runs.all().map((run) => run.containerId);
    logger.warn(`drain grace over: stopping ${left.length} run(s) (${left.join(', ')}); they are handed back to run elsewhere`);
    runs.stopAll();
  }
  await finished;
}
