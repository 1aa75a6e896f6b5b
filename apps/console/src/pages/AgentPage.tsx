import { useCallback, useEffect, useState } from 'react';
import { fetchAgent, type Agent } from '../api/agentry';
import { ErrorBanner } from '../components/Field';
import { Link } from '../router';
import { LaunchPanel } from './agent/LaunchPanel';
import { SettingsForm } from './agent/SettingsForm';
import { VersionsPanel } from './agent/VersionsPanel';
import { HistoryPanel } from './agent/HistoryPanel';
import { SchedulePanel } from './agent/SchedulePanel';

const TABS = ['Launch', 'Settings', 'Versions', 'History', 'Schedule'] as const;
type Tab = (typeof TABS)[number];

/** One agent: launch and watch it, its settings, versions, run history and schedule. */
export function AgentPage({ id }: { id: string }) {
  const [agent, setAgent] = useState<Agent | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tab, setTab] = useState<Tab>('Launch');
  const reload = useCallback(() => {
    fetchAgent(id).then(setAgent, setError);
  }, [id]);
  useEffect(reload, [reload]);

  if (error) return <ErrorBanner error={error} />;
  if (!agent) return <p aria-live="polite">Loading…</p>;
  return (
    <section>
      <p className="breadcrumb">
        <Link to="/">Agents</Link> /
      </p>
      <h1>
        {agent.name} <span className={`badge status-${agent.status}`}>{agent.status}</span>
      </h1>
      <p className="muted">
        Script {agent.script ?? '(none)'} · version {agent.currentVersionNumber ?? '—'} · {agent.nbLaunches ?? 0} runs
      </p>
      <nav className="tabs" aria-label="Agent sections">
        {TABS.map((t) => (
          <button key={t} type="button" aria-pressed={tab === t} onClick={() => setTab(t)}>
            {t}
          </button>
        ))}
      </nav>
      {tab === 'Launch' && <LaunchPanel agent={agent} onChanged={reload} />}
      {tab === 'Settings' && <SettingsForm agent={agent} onSaved={reload} />}
      {tab === 'Versions' && <VersionsPanel agent={agent} onRolledBack={reload} />}
      {tab === 'History' && <HistoryPanel agent={agent} />}
      {tab === 'Schedule' && <SchedulePanel agent={agent} />}
    </section>
  );
}
