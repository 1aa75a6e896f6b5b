import { useEffect, useState } from 'react';
import { nextLaunchDates, type Agent } from '../../api/agentry';
import { ErrorBanner } from '../../components/Field';
import { formatDate, timeZoneOf } from '../../format';

/** How the agent is launched and its next fire times, shown in the agent's own time zone (as the scheduler computes them). */
export function SchedulePanel({ agent }: { agent: Agent }) {
  const [dates, setDates] = useState<number[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const zone = timeZoneOf(agent);
  useEffect(() => {
    nextLaunchDates(agent.id, 10).then((r) => setDates(r.nextLaunchDates), setError);
  }, [agent.id]);
  const times = agent.repeatedLaunchTimes;
  return (
    <div className="panel">
      <h2>Schedule</h2>
      <ErrorBanner error={error} />
      <p>
        Launch: <strong>{agent.launchType ?? 'manually'}</strong>
        {agent.launchType === 'repeatedly' && times && ` — hours ${times.hour?.join(', ') || 'every'}, minutes ${times.minute?.join(', ') || '0'} (${zone})`}
      </p>
      <h3>Next launches ({zone})</h3>
      {dates === null ? null : dates.length === 0 ? (
        <p>Nothing planned.</p>
      ) : (
        <ol className="next-launches">
          {dates.map((d) => (
            <li key={d}>
              <time dateTime={new Date(d).toISOString()}>{formatDate(d, zone)}</time>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
