import { useState, type FormEvent } from 'react';
import { fetchOrg, type Org } from '../api/agentry';
import { ApiError } from '../api/http';
import { storeKey } from '../api/session';
import { Field } from '../components/Field';

/** Signs in with an API key: checked against the API (GET /api/v2/orgs/fetch) before it is kept. */
export function SignIn({ onSignedIn }: { onSignedIn: (org: Org) => void }) {
  const [key, setKey] = useState('');
  const [remember, setRemember] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const org = await fetchOrg(key.trim());
      storeKey(key.trim(), remember);
      onSignedIn(org);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'The API could not be reached');
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card narrow">
      <h1>Sign in</h1>
      <form onSubmit={submit} autoComplete="off">
        <Field
          label="API key"
          errors={error ? [error] : []}
          hint="Printed by npm start, or created under Settings. Kept in this tab only unless you tick Remember."
        >
          {(props) => <input {...props} type="password" value={key} onChange={(e) => setKey(e.target.value)} required spellCheck={false} />}
        </Field>
        <div className="checkbox">
          <input id="remember" type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} />
          <label htmlFor="remember">Remember on this device</label>
        </div>
        <button type="submit" className="primary" disabled={busy}>
          Sign in
        </button>
      </form>
    </section>
  );
}
