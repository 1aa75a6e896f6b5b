import { useEffect, useMemo, useState } from 'react';
import { resultObject, type Agent, type Json } from '../../api/agentry';
import { CodeEditor } from '../../components/CodeEditor';
import { ErrorBanner } from '../../components/Field';
import { ResultView } from '../../components/ResultView';
import { useLiveRun } from '../useLiveRun';
import { StoredFiles } from './StoredFiles';

function parseArgument(text: string): { value?: Json; error?: string } {
  if (text.trim() === '') return { value: {} };
  try {
    return { value: JSON.parse(text) as Json };
  } catch (e) {
    return { error: `Not valid JSON: ${(e as Error).message}` };
  }
}

/** The argument editor (JSON, checked as you type), launch, the live console, progress, abort, result. */
export function LaunchPanel({ agent, onChanged }: { agent: Agent; onChanged: () => void }) {
  const [argumentText, setArgumentText] = useState(() => (agent.argument ? JSON.stringify(JSON.parse(agent.argument), null, 2) : '{}'));
  const parsed = useMemo(() => parseArgument(argumentText), [argumentText]);
  const { run, launch, attach, abortRun } = useLiveRun(agent.id, onChanged);
  // A run already going on when the page opens (launched by the scheduler, the CLI…) is followed live.
  useEffect(() => {
    void attach();
  }, [attach]);
  const [result, setResult] = useState<Json | undefined>(undefined);
  const [abortError, setAbortError] = useState<unknown>(null);
  const active = run.state === 'launching' || run.state === 'in queue' || run.state === 'running';

  useEffect(() => {
    setResult(undefined);
    if (run.state !== 'ended' || !run.containerId) return;
    resultObject(run.containerId).then(
      (r) => setResult(r.resultObject === null ? undefined : (JSON.parse(r.resultObject) as Json)),
      () => undefined,
    );
  }, [run.state, run.containerId]);

  return (
    <div className="panel">
      <h2>Launch</h2>
      <p className="label" aria-hidden="true">
        Argument (JSON)
      </p>
      <CodeEditor id="argument-editor" label="Argument (JSON)" language="json" value={argumentText} onChange={setArgumentText} />
      {parsed.error && (
        <p className="field-errors" role="alert">
          {parsed.error}
        </p>
      )}
      <div className="actions">
        <button type="button" className="primary" disabled={!!parsed.error || active || agent.status !== 'active'} onClick={() => void launch(parsed.value!)}>
          Launch
        </button>
        <button
          type="button"
          className="danger"
          disabled={!active}
          onClick={() => {
            setAbortError(null);
            abortRun().catch(setAbortError);
          }}
        >
          Abort
        </button>
      </div>
      <ErrorBanner error={abortError ?? run.error} />
      <p className="run-state" aria-live="polite">
        {run.state === 'idle' ? 'Not launched from this page yet.' : `Container ${run.containerId ?? '…'}: ${run.state}`}
        {run.state === 'ended' && ` — ${run.endMessage ?? ''} (exit code ${run.exitCode ?? '—'})`}
        {run.reconnects > 0 && ` · resumed ${run.reconnects}×`}
      </p>
      {run.progress !== undefined && (
        <div className="progress">
          <label htmlFor="run-progress">{run.progressLabel || 'Progress'}</label>
          <progress id="run-progress" max={1} value={run.progress} />
          <span>{Math.round(run.progress * 100)}%</span>
        </div>
      )}
      <h3>Console</h3>
      <pre className="console" role="log" aria-label="Console output" tabIndex={0}>
        {run.output}
      </pre>
      {result !== undefined && (
        <>
          <h3>Result object</h3>
          <ResultView value={result} fileName={`agent-${agent.id}-container-${run.containerId}`} />
        </>
      )}
      <StoredFiles output={run.output} />
    </div>
  );
}
