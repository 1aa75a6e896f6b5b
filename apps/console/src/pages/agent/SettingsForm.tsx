import { useState, type FormEvent } from 'react';
import { saveAgent, type Agent } from '../../api/agentry';
import { ScriptSelect } from '../../components/ScriptSelect';
import { ApiError } from '../../api/http';
import { ErrorBanner, Field } from '../../components/Field';

const LAUNCH_TYPES = ['manually', 'repeatedly', 'once', 'after agent'];

/** "1, 2" → [1, 2]; anything not a number is sent as typed, so the API's message names it. */
function listOf(text: string): unknown[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => (/^-?\d+$/.test(s) ? Number(s) : s));
}

/** An integer when the text is one, else the text: the API refuses it with its own message. */
const numberOrText = (text: string): unknown => (text.trim() === '' ? null : /^-?\d+$/.test(text.trim()) ? Number(text) : text);

/**
 * The agent's settings. Validation is the API's: the form sends what was typed and shows each
 * `details[]` message of the 400 next to its field, so the console never disagrees with the API.
 */
export function SettingsForm({ agent, onSaved }: { agent: Agent; onSaved: () => void }) {
  const [form, setForm] = useState(() => ({
    name: agent.name,
    script: agent.script ?? '',
    executionTimeLimit: agent.executionTimeLimit?.toString() ?? '',
    maxParallelism: agent.maxParallelism?.toString() ?? '',
    maxRetryNumber: agent.maxRetryNumber?.toString() ?? '',
    launchType: agent.launchType ?? 'manually',
    hours: agent.repeatedLaunchTimes?.hour?.join(', ') ?? '',
    minutes: agent.repeatedLaunchTimes?.minute?.join(', ') ?? '',
    timezone: agent.repeatedLaunchTimes?.timezone ?? 'UTC',
  }));
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);

  const set = (name: keyof typeof form) => (event: { target: { value: string } }) => setForm((f) => ({ ...f, [name]: event.target.value }));
  const errors = (field: string) => error?.messagesFor(field) ?? [];

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setSaved(false);
    try {
      await saveAgent({
        id: agent.id,
        name: form.name,
        script: form.script || null,
        executionTimeLimit: numberOrText(form.executionTimeLimit),
        maxParallelism: numberOrText(form.maxParallelism),
        maxRetryNumber: numberOrText(form.maxRetryNumber),
        launchType: form.launchType,
        ...(form.launchType === 'repeatedly'
          ? { repeatedLaunchTimes: { hour: listOf(form.hours), minute: listOf(form.minutes), timezone: form.timezone } }
          : {}),
      });
      setSaved(true);
      onSaved();
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, String(e)));
    }
  }

  return (
    <form className="panel" onSubmit={submit} noValidate>
      <h2>Settings</h2>
      {error && <ErrorBanner error={error} />}
      <Field label="Name" errors={errors('name')}>
        {(p) => <input {...p} value={form.name} onChange={set('name')} />}
      </Field>
      <Field label="Script" errors={errors('script')}>
        {(p) => <ScriptSelect {...p} value={form.script} onChange={set('script')} />}
      </Field>
      <Field label="Execution time limit (seconds)" errors={errors('executionTimeLimit')}>
        {(p) => <input {...p} inputMode="numeric" value={form.executionTimeLimit} onChange={set('executionTimeLimit')} />}
      </Field>
      <Field label="Parallel runs at most" errors={errors('maxParallelism')}>
        {(p) => <input {...p} inputMode="numeric" value={form.maxParallelism} onChange={set('maxParallelism')} />}
      </Field>
      <Field label="Retries after a failure" errors={errors('maxRetryNumber')}>
        {(p) => <input {...p} inputMode="numeric" value={form.maxRetryNumber} onChange={set('maxRetryNumber')} />}
      </Field>
      <Field label="Launch" errors={errors('launchType')}>
        {(p) => (
          <select {...p} value={form.launchType} onChange={set('launchType')}>
            {LAUNCH_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        )}
      </Field>
      {form.launchType === 'repeatedly' && (
        <fieldset>
          <legend>Repeated launch times</legend>
          <Field label="Hours (0–23, comma-separated)" errors={errors('repeatedLaunchTimes.hour')}>
            {(p) => <input {...p} value={form.hours} onChange={set('hours')} />}
          </Field>
          <Field label="Minutes (0–59, comma-separated)" errors={errors('repeatedLaunchTimes.minute')}>
            {(p) => <input {...p} value={form.minutes} onChange={set('minutes')} />}
          </Field>
          <Field
            label="Time zone (IANA)"
            errors={[
              ...errors('repeatedLaunchTimes.timezone'),
              ...(error?.fields.filter((f) => f.field === 'repeatedLaunchTimes').map((f) => f.message) ?? []),
            ]}
          >
            {(p) => <input {...p} value={form.timezone} onChange={set('timezone')} />}
          </Field>
        </fieldset>
      )}
      <button type="submit" className="primary">
        Save settings
      </button>
      {saved && (
        <p role="status" className="ok">
          Saved as a new version.
        </p>
      )}
    </form>
  );
}
