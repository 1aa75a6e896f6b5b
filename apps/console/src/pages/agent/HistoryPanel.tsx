import { useEffect, useMemo, useState } from 'react';
import { containerOutput, listContainers, resultObject, type Agent, type Container, type Json } from '../../api/agentry';
import { ErrorBanner } from '../../components/Field';
import { ResultView } from '../../components/ResultView';
import { formatDate } from '../../format';
import { DataTable } from '../../components/DataTable';

const outcomeOf = (c: Container) => (c.status !== 'finished' ? c.status : c.exitCode === 0 ? 'success' : 'error');

/** The agent's containers (runs), newest first, filtered by outcome and launch type; one run's output and result. */
export function HistoryPanel({ agent }: { agent: Agent }) {
  const [containers, setContainers] = useState<Container[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [outcome, setOutcome] = useState('');
  const [launchType, setLaunchType] = useState('');
  const [open, setOpen] = useState<{ id: string; output: string; result?: Json } | null>(null);

  useEffect(() => {
    listContainers(agent.id).then((r) => setContainers(r.containers), setError);
  }, [agent.id]);

  const shown = useMemo(
    () => (containers ?? []).filter((c) => (!outcome || outcomeOf(c) === outcome) && (!launchType || c.launchType === launchType)),
    [containers, outcome, launchType],
  );
  const launchTypes = [...new Set((containers ?? []).map((c) => c.launchType))];

  async function show(id: string) {
    const [{ output }, { resultObject: result }] = await Promise.all([containerOutput(id), resultObject(id)]);
    setOpen({ id, output, result: result === null ? undefined : (JSON.parse(result) as Json) });
  }

  return (
    <div className="panel">
      <h2>Run history</h2>
      <ErrorBanner error={error} />
      <div className="filters">
        <label>
          Outcome{' '}
          <select value={outcome} onChange={(e) => setOutcome(e.target.value)}>
            <option value="">all</option>
            <option value="success">success</option>
            <option value="error">error</option>
            <option value="running">running</option>
            <option value="starting">queued</option>
            <option value="launch error">launch error</option>
          </select>
        </label>
        <label>
          Launch type{' '}
          <select value={launchType} onChange={(e) => setLaunchType(e.target.value)}>
            <option value="">all</option>
            {launchTypes.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
      </div>
      <DataTable caption={<>Runs of {agent.name}</>} columns={['Container', 'Outcome', 'Launched', 'Ended', 'Launch type', 'End message']}>
        {shown.map((c) => (
          <tr key={c.id}>
            <td>
              <button type="button" className="link" onClick={() => void show(c.id).catch(setError)}>
                {c.id}
              </button>
            </td>
            <td>{outcomeOf(c)}</td>
            <td>{formatDate(c.launchedAt ?? c.createdAt)}</td>
            <td>{formatDate(c.endedAt)}</td>
            <td>{c.launchType}</td>
            <td>{c.endMessage ?? ''}</td>
          </tr>
        ))}
      </DataTable>
      {containers && shown.length === 0 && <p>No run matches.</p>}
      {open && (
        <section aria-labelledby="run-title">
          <h3 id="run-title">Container {open.id}</h3>
          <pre className="console" tabIndex={0} aria-label={`Output of container ${open.id}`}>
            {open.output}
          </pre>
          {open.result !== undefined && <ResultView value={open.result} fileName={`container-${open.id}`} />}
        </section>
      )}
    </div>
  );
}
