import { useCallback, useEffect, useRef, useState } from 'react';
import { agentOutput, attachContainer, launchStream, stopAgent, type Json } from '../api/agentry';
import { ApiError } from '../api/http';
import { containerComment, EventStreamParser } from '../api/event-stream';
import { newIdempotencyKey } from '../format';

export interface LiveRun {
  containerId?: string;
  state: 'idle' | 'launching' | 'in queue' | 'running' | 'ended' | 'failed';
  output: string;
  progress?: number;
  progressLabel?: string;
  exitCode?: number | null;
  endMessage?: string;
  error?: ApiError | Error;
  reconnects: number;
}

const initial: LiveRun = { state: 'idle', output: '', reconnects: 0 };

/**
 * One launch followed live: the v1 event stream with resume. When the connection drops before the
 * `ended` comment, it reconnects with the same idempotency key and `Last-Event-ID` (the byte
 * offset of the last event), so the same container continues from that byte: no gap, no repeat,
 * no second launch. Progress and the end status come from fetch-output, polled while it runs.
 */
export function useLiveRun(agentId: string, onEnded: () => void) {
  const [run, setRun] = useState<LiveRun>(initial);
  const controller = useRef<AbortController | null>(null);
  const onEndedRef = useRef(onEnded);
  onEndedRef.current = onEnded;

  useEffect(() => () => controller.current?.abort(), []);

  /** Polls fetch-output while the run goes on (progress, and whatever `update` takes from it); returns the stop. */
  const pollProgress = useCallback(
    (update: (r: LiveRun, output: Awaited<ReturnType<typeof agentOutput>>) => LiveRun) => {
      const timer = setInterval(() => {
        agentOutput(agentId).then(
          (o) => setRun((r) => update({ ...r, progress: o.progress, progressLabel: o.progressLabel }, o)),
          () => undefined,
        );
      }, 1500);
      return () => clearInterval(timer);
    },
    [agentId],
  );

  /** The run ended: its final progress and exit status from fetch-output, then the caller is told. */
  const settle = useCallback(async () => {
    const final = await agentOutput(agentId);
    setRun((r) => ({
      ...r,
      state: 'ended',
      progress: final.progress,
      progressLabel: final.progressLabel,
      exitCode: final.exitCode,
      endMessage: final.endMessage,
    }));
    onEndedRef.current();
  }, [agentId]);

  const launch = useCallback(
    async (argument: Json) => {
      controller.current?.abort();
      const abort = new AbortController();
      controller.current = abort;
      const key = newIdempotencyKey();
      let lastEventId: string | undefined;
      let ended = false;
      let reconnects = 0;
      setRun({ ...initial, state: 'launching' });

      const stopPolling = pollProgress((r) => r);

      try {
        while (!ended && !abort.signal.aborted) {
          try {
            const response = await launchStream(agentId, argument, key, lastEventId, abort.signal);
            if (response.status === 204) break; // resumed at the very end of an ended container
            const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
            const parser = new EventStreamParser();
            for (;;) {
              const { value, done } = await reader.read();
              if (done) break;
              for (const event of parser.push(value)) {
                if (event.id) lastEventId = event.id;
                const status = event.comment ? containerComment(event.comment) : undefined;
                if (status) {
                  if (status.state === 'ended') ended = true;
                  setRun((r) => ({
                    ...r,
                    containerId: status.containerId,
                    state: status.state === 'ended' ? r.state : status.state === 'in queue' ? 'in queue' : 'running',
                  }));
                }
                if (event.data !== undefined) {
                  const data = event.data;
                  setRun((r) => ({ ...r, state: 'running', output: r.output + data }));
                }
              }
            }
          } catch (error) {
            // A refusal (4xx) is final; a dropped connection is resumed.
            if (error instanceof ApiError || abort.signal.aborted) throw error;
          }
          if (!ended && !abort.signal.aborted) {
            reconnects += 1;
            setRun((r) => ({ ...r, reconnects }));
            await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 500 * reconnects)));
          }
        }
        await settle();
      } catch (error) {
        if (!abort.signal.aborted) setRun((r) => ({ ...r, state: 'failed', error: error as Error }));
      } finally {
        stopPolling();
      }
    },
    [agentId, pollProgress, settle],
  );

  /**
   * Follows a run started elsewhere (the scheduler, the CLI, another tab) that is already queued
   * or running: its output from the first byte through `containers/attach`, progress polled.
   */
  const attach = useCallback(async () => {
    const now = await agentOutput(agentId).catch(() => undefined);
    if (!now?.containerId || !(now.isAgentRunning || now.isAgentQueued)) return;
    controller.current?.abort();
    const abort = new AbortController();
    controller.current = abort;
    const containerId = now.containerId;
    setRun({ ...initial, containerId, state: now.isAgentRunning ? 'running' : 'in queue', progress: now.progress, progressLabel: now.progressLabel });
    const stopPolling = pollProgress((r, o) => ({ ...r, state: o.isAgentRunning ? 'running' : r.state }));
    try {
      const reader = (await attachContainer(containerId, abort.signal)).body!.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        setRun((r) => ({ ...r, state: 'running', output: r.output + value }));
      }
      await settle();
    } catch (error) {
      if (!abort.signal.aborted) setRun((r) => ({ ...r, state: 'failed', error: error as Error }));
    } finally {
      stopPolling();
    }
  }, [agentId, pollProgress, settle]);

  const abortRun = useCallback(async () => {
    await stopAgent(agentId, run.containerId);
  }, [agentId, run.containerId]);

  return { run, launch, attach, abortRun };
}
