import { useCallback, useEffect, useState, type FormEvent } from 'react';
import {
  createEndpoint,
  createKey,
  deleteEndpoint,
  endpointDeliveries,
  listEndpoints,
  listKeys,
  revokeKey,
  type ApiKeyRecord,
  type WebhookDelivery,
  type WebhookEndpoint,
} from '../api/agentry';
import { ApiError } from '../api/http';
import { ErrorBanner, Field } from '../components/Field';
import { formatDate } from '../format';
import { DataTable } from '../components/DataTable';

const ROLES = ['org:admin', 'org:read', 'org:manage_agents:create', 'org:manage_agents:update', 'org:manage_scripts:write', 'org:manage_agents:launch'];
const asMs = (v: number | string | null) => (v === null ? null : typeof v === 'number' ? v : Date.parse(v));

const apiError = (e: unknown) => (e instanceof ApiError ? e : new ApiError(0, String(e)));

/**
 * A list read from the API and read again after every change made from the panel; what the API
 * refuses (a load or a change) is kept in `error` for the panel to show.
 */
function useApiList<T>(fetchList: () => Promise<T[]>) {
  const [items, setItems] = useState<T[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const reload = useCallback(() => fetchList().then(setItems, (e) => setError(apiError(e))), [fetchList]);
  useEffect(() => void reload(), [reload]);
  /** Runs one change (a form's submit or a button's action), then reloads the list. */
  const change = async (action: () => Promise<unknown>) => {
    setError(null);
    try {
      await action();
      void reload();
    } catch (e) {
      setError(apiError(e));
    }
  };
  return { items, error, setError, change };
}

const fetchKeys = () => listKeys().then((r) => r.apiKeys);
const fetchEndpoints = () => listEndpoints().then((r) => r.endpoints);

/** Org settings: API keys (create, list, revoke) and webhook endpoints with their delivery log. */
export function OrgSettings() {
  return (
    <section>
      <h1>Settings</h1>
      <ApiKeys />
      <Webhooks />
    </section>
  );
}

function ApiKeys() {
  const { items: keys, error, change } = useApiList<ApiKeyRecord>(fetchKeys);
  const [name, setName] = useState('');
  const [roles, setRoles] = useState<string[]>(['org:read']);
  const [created, setCreated] = useState<string | null>(null);

  function submit(event: FormEvent) {
    event.preventDefault();
    void change(async () => {
      const record = await createKey(name, roles);
      setCreated(record.key);
      setName('');
    });
  }

  return (
    <div className="panel">
      <h2>API keys</h2>
      {error && <ErrorBanner error={error} />}
      {created && (
        <p role="status" className="secret-once">
          New key (shown only now, copy it): <code>{created}</code>
        </p>
      )}
      <DataTable caption="API keys of this org" columns={['Name', 'Prefix', 'Roles', 'Created', 'State']}>
        {(keys ?? []).map((k) => (
          <tr key={k.id}>
            <td>{k.name ?? '—'}</td>
            <td>
              <code>{k.prefix ?? '(chosen key)'}</code>
            </td>
            <td>{k.roles.join(', ')}</td>
            <td>{formatDate(asMs(k.createdAt))}</td>
            <td>
              {k.revoked ? (
                `revoked ${formatDate(asMs(k.revokedAt))}`
              ) : (
                <button
                  type="button"
                  className="danger"
                  aria-label={`Revoke key ${k.name ?? k.prefix ?? k.id}`}
                  onClick={() => void change(() => revokeKey(k.id))}
                >
                  Revoke
                </button>
              )}
            </td>
          </tr>
        ))}
      </DataTable>
      <form onSubmit={submit} className="card" aria-labelledby="new-key-title">
        <h3 id="new-key-title">New key</h3>
        <Field label="Key name" errors={error?.messagesFor('name')}>
          {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <fieldset>
          <legend>Roles</legend>
          {ROLES.map((role) => (
            <div className="checkbox" key={role}>
              <input
                id={`role-${role}`}
                type="checkbox"
                checked={roles.includes(role)}
                onChange={(e) => setRoles((r) => (e.target.checked ? [...r, role] : r.filter((x) => x !== role)))}
              />
              <label htmlFor={`role-${role}`}>{role}</label>
            </div>
          ))}
          {error?.messagesFor('roles').map((m) => (
            <p key={m} className="field-errors" role="alert">
              {m}
            </p>
          ))}
        </fieldset>
        <button type="submit">Create key</button>
      </form>
    </div>
  );
}

function Webhooks() {
  const { items: endpoints, error, setError, change } = useApiList<WebhookEndpoint>(fetchEndpoints);
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  const [log, setLog] = useState<{ id: string; deliveries: WebhookDelivery[] } | null>(null);

  function submit(event: FormEvent) {
    event.preventDefault();
    void change(async () => {
      const endpoint = await createEndpoint(url, description);
      setSecret(endpoint.secret ?? null);
      setUrl('');
      setDescription('');
    });
  }

  return (
    <div className="panel">
      <h2>Webhooks</h2>
      {error && <ErrorBanner error={error} />}
      {secret && (
        <p role="status" className="secret-once">
          Signing secret (shown only now): <code>{secret}</code>
        </p>
      )}
      <ul className="endpoints">
        {(endpoints ?? []).map((e) => (
          <li key={e.id}>
            <code>{e.url}</code> · {e.eventTypes.join(', ')} · {e.enabled ? 'enabled' : 'disabled'}{' '}
            <button
              type="button"
              onClick={() =>
                void endpointDeliveries(e.id).then(
                  (r) => setLog({ id: e.id, deliveries: r.deliveries }),
                  (x) => setError(x as ApiError),
                )
              }
            >
              Delivery log
            </button>{' '}
            <button type="button" className="danger" aria-label={`Delete endpoint ${e.url}`} onClick={() => void change(() => deleteEndpoint(e.id))}>
              Delete
            </button>
          </li>
        ))}
      </ul>
      {endpoints?.length === 0 && <p>No endpoint yet.</p>}
      {log && (
        <section aria-labelledby="log-title">
          <h3 id="log-title">Deliveries to {log.id}</h3>
          {log.deliveries.length === 0 ? (
            <p>None yet.</p>
          ) : (
            <DataTable caption={<>Deliveries to {log.id}</>} columns={['Event', 'State', 'Attempts', 'Last answer', 'Created']}>
              {log.deliveries.map((d) => {
                const last = d.attempts[d.attempts.length - 1];
                return (
                  <tr key={d.id}>
                    <td>{d.eventType}</td>
                    <td>{d.state}</td>
                    <td>{d.attempts.length}</td>
                    <td>{last ? (last.statusCode ?? last.error ?? '—') : '—'}</td>
                    <td>{formatDate(d.createdAt)}</td>
                  </tr>
                );
              })}
            </DataTable>
          )}
        </section>
      )}
      <form onSubmit={submit} className="card" aria-labelledby="new-endpoint-title" noValidate>
        <h3 id="new-endpoint-title">New endpoint</h3>
        <Field label="URL" errors={error?.messagesFor('url')}>
          {(p) => <input {...p} type="url" value={url} onChange={(e) => setUrl(e.target.value)} />}
        </Field>
        <Field label="Description" errors={error?.messagesFor('description')}>
          {(p) => <input {...p} value={description} onChange={(e) => setDescription(e.target.value)} />}
        </Field>
        <button type="submit">Add endpoint</button>
      </form>
    </div>
  );
}
