import { useEffect, useState, type FormEvent } from 'react';
import { fetchScript, listScripts, saveScript, type Script } from '../api/agentry';
import { ApiError } from '../api/http';
import { CodeEditor } from '../components/CodeEditor';
import { ErrorBanner, Field } from '../components/Field';
import { formatDate } from '../format';
import { Link, useRouter } from '../router';

const STARTER = `// An Agentry script: console output is streamed live; setResultObject() stores the result.
const buster = require('phantombuster');
console.log('Hello from Agentry');
`;

/** The org's scripts; one script's code in CodeMirror with save; a form to create a script. */
export function ScriptsPage({ selectedId }: { selectedId?: string }) {
  const [scripts, setScripts] = useState<Script[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const reload = () => listScripts().then(setScripts, setError);
  useEffect(() => void reload(), []);

  return (
    <section>
      <h1>Scripts</h1>
      <ErrorBanner error={error} />
      <div className="split">
        <nav aria-label="Scripts" className="script-list">
          <ul>
            {(scripts ?? []).map((s) => (
              <li key={s.id}>
                <Link to={`/scripts/${s.id}`}>{s.name}</Link>
              </li>
            ))}
          </ul>
          <NewScript onCreated={() => void reload()} />
        </nav>
        {selectedId ? <ScriptEditor key={selectedId} id={selectedId} onSaved={() => void reload()} /> : <p>Choose a script, or create one.</p>}
      </div>
    </section>
  );
}

function NewScript({ onCreated }: { onCreated: () => void }) {
  const { navigate } = useRouter();
  const [name, setName] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      const { id } = await saveScript({ name, code: STARTER });
      onCreated();
      navigate(`/scripts/${id}`);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, String(e)));
    }
  }
  return (
    <form onSubmit={submit} className="card" aria-labelledby="new-script-title">
      <h2 id="new-script-title">New script</h2>
      {error && !error.fields.length && <ErrorBanner error={error} />}
      <Field label="Script name" hint="e.g. my-scraper.js" errors={error?.messagesFor('name')}>
        {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} spellCheck={false} />}
      </Field>
      <button type="submit">Create script</button>
    </form>
  );
}

function ScriptEditor({ id, onSaved }: { id: string; onSaved: () => void }) {
  const [script, setScript] = useState<Script | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [status, setStatus] = useState('');
  useEffect(() => {
    fetchScript(id).then(
      (s) => {
        setScript(s);
        setCode(s.code ?? '');
      },
      (e) => setError(e as ApiError),
    );
  }, [id]);
  if (!script) return <ErrorBanner error={error} />;

  async function save() {
    setError(null);
    setStatus('');
    try {
      await saveScript({ id, code });
      setStatus(`Saved at ${formatDate(Date.now())}`);
      onSaved();
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, String(e)));
    }
  }

  return (
    <div className="panel editor-panel">
      <h2>{script.name}</h2>
      <CodeEditor key={script.id} label={`Code of ${script.name}`} language="javascript" value={code} onChange={setCode} />
      <ErrorBanner error={error} />
      <div className="actions">
        <button type="button" className="primary" onClick={() => void save()}>
          Save script
        </button>
        <span role="status">{status}</span>
      </div>
    </div>
  );
}
