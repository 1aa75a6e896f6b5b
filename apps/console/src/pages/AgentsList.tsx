import { useEffect, useState, type FormEvent } from 'react';
import { listAgents, listContainers, nextLaunchDates, saveAgent, type Agent, type Container } from '../api/agentry';
import { ScriptSelect } from '../components/ScriptSelect';
import { ApiError } from '../api/http';
import { ErrorBanner, Field } from '../components/Field';
import { formatDate, timeZoneOf } from '../format';
import { Link, useRouter } from '../router';

/** The org's agents: status, last run and its outcome, next planned launch; and a form to create one. */
export function AgentsList() {
  const [agents, setAgents] = useState<Agent[] | null>(null);
  const [nextLaunch, setNextLaunch] = useState<Record<string, number | undefined>>({});
  const [lastRun, setLastRun] = useState<Record<string, Container | undefined>>({});
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    listAgents()
      .then(async (list) => {
        setAgents(list);
        const dates = await Promise.all(
          list.map((a) =>
            nextLaunchDates(a.id, 1).then(
              (r) => [a.id, r.nextLaunchDates[0]] as const,
              () => [a.id, undefined] as const,
            ),
          ),
        );
        setNextLaunch(Object.fromEntries(dates));
        const runs = await Promise.all(
          list.map((a) =>
            listContainers(a.id, 'finalized', 1).then(
              (r) => [a.id, r.containers[0]] as const,
              () => [a.id, undefined] as const,
            ),
          ),
        );
        setLastRun(Object.fromEntries(runs));
      })
      .catch(setError);
  }, []);

  return (
    <section>
      <h1>Agents</h1>
      <ErrorBanner error={error} />
      {agents === null ? (
        <p aria-live="polite">Loading…</p>
      ) : agents.length === 0 ? (
        <p>No agents yet: create one below.</p>
      ) : (
        <ul className="agent-list" aria-label="Agents">
          {agents.map((agent) => (
            <li key={agent.id} className="agent-row">
              <Link to={`/agents/${agent.id}`} className="agent-name">
                {agent.name}
              </Link>
              <span className={`badge status-${agent.status}`}>{agent.status}</span>
              <dl className="agent-facts">
                <div>
                  <dt>Script</dt>
                  <dd>{agent.script ?? '—'}</dd>
                </div>
                <div>
                  <dt>Last run</dt>
                  <dd>
                    {agent.lastEndStatus ? `${agent.lastEndStatus}${agent.lastEndMessage ? ` — ${agent.lastEndMessage}` : ''}` : 'never launched'}
                    {lastRun[agent.id]?.endedAt ? ` · ${formatDate(lastRun[agent.id]!.endedAt)}` : ''}
                  </dd>
                </div>
                <div>
                  <dt>Runs</dt>
                  <dd>{agent.nbLaunches ?? 0}</dd>
                </div>
                <div>
                  <dt>Next launch</dt>
                  <dd>{nextLaunch[agent.id] ? `${formatDate(nextLaunch[agent.id], timeZoneOf(agent))} (${timeZoneOf(agent)})` : 'none planned'}</dd>
                </div>
              </dl>
            </li>
          ))}
        </ul>
      )}
      <NewAgent />
    </section>
  );
}

function NewAgent() {
  const { navigate } = useRouter();
  const [name, setName] = useState('');
  const [script, setScript] = useState('');
  const [error, setError] = useState<ApiError | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      const { id } = await saveAgent({ name, ...(script ? { script } : {}) });
      navigate(`/agents/${id}`);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, String(e)));
    }
  }

  return (
    <form className="card" onSubmit={submit} aria-labelledby="new-agent-title">
      <h2 id="new-agent-title">New agent</h2>
      {error && !error.fields.length && <ErrorBanner error={error} />}
      <Field label="Name" errors={error?.messagesFor('name')}>
        {(props) => <input {...props} value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <Field label="Script" errors={error?.messagesFor('script')}>
        {(props) => <ScriptSelect {...props} value={script} onChange={(e) => setScript(e.target.value)} />}
      </Field>
      <button type="submit" className="primary">
        Create agent
      </button>
    </form>
  );
}
