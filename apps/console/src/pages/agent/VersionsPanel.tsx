import { useCallback, useEffect, useState } from 'react';
import { agentVersions, rollbackAgent, type Agent, type AgentVersion, type Json } from '../../api/agentry';
import { ErrorBanner } from '../../components/Field';
import { formatDate } from '../../format';
import { DataTable } from '../../components/DataTable';

const show = (value: Json | undefined) => (value === undefined ? '(unset)' : JSON.stringify(value));

/** The settings that differ between two versions, field by field. */
export function diffSettings(from: Record<string, Json>, to: Record<string, Json>): { field: string; from?: Json; to?: Json }[] {
  const fields = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
  return fields.filter((f) => JSON.stringify(from[f]) !== JSON.stringify(to[f])).map((f) => ({ field: f, from: from[f], to: to[f] }));
}

/** Every saved version, newest first; a diff of any version against the current one; rollback. */
export function VersionsPanel({ agent, onRolledBack }: { agent: Agent; onRolledBack: () => void }) {
  const [versions, setVersions] = useState<AgentVersion[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    agentVersions(agent.id).then((r) => setVersions(r.versions), setError);
  }, [agent.id]);
  useEffect(load, [load]);

  if (!versions) return <ErrorBanner error={error} />;
  const current = versions.find((v) => v.current);
  const chosen = versions.find((v) => v.versionId === selected);
  return (
    <div className="panel">
      <h2>Versions</h2>
      <ErrorBanner error={error} />
      <DataTable caption={<>Versions of {agent.name}</>} columns={['Version', 'Saved', 'Why', 'Changed', 'Actions']}>
        {versions.map((v) => (
          <tr key={v.versionId} className={v.current ? 'current' : undefined}>
            <td>
              v{v.versionNumber}
              {v.current && ' (current)'}
            </td>
            <td>{formatDate(v.savedAt)}</td>
            <td>{v.reason}</td>
            <td>{v.changedFields.join(', ') || '—'}</td>
            <td>
              {!v.current && (
                <>
                  <button type="button" onClick={() => setSelected(v.versionId)} aria-label={`Diff version ${v.versionNumber} against the current one`}>
                    Diff
                  </button>{' '}
                  <button
                    type="button"
                    aria-label={`Roll back to version ${v.versionNumber}`}
                    onClick={() => {
                      setError(null);
                      rollbackAgent(agent.id, v.versionId).then(() => {
                        setSelected(null);
                        load();
                        onRolledBack();
                      }, setError);
                    }}
                  >
                    Roll back
                  </button>
                </>
              )}
            </td>
          </tr>
        ))}
      </DataTable>
      {chosen && current && (
        <section aria-labelledby="diff-title">
          <h3 id="diff-title">
            v{chosen.versionNumber} → v{current.versionNumber} (current)
          </h3>
          <table className="diff">
            <thead>
              <tr>
                <th scope="col">Setting</th>
                <th scope="col">v{chosen.versionNumber}</th>
                <th scope="col">Current</th>
              </tr>
            </thead>
            <tbody>
              {diffSettings(chosen.settings, current.settings).map((d) => (
                <tr key={d.field}>
                  <th scope="row">{d.field}</th>
                  <td className="removed">{show(d.from)}</td>
                  <td className="added">{show(d.to)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}
