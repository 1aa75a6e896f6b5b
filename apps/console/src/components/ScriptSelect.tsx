import { useEffect, useState, type SelectHTMLAttributes } from 'react';
import { listScripts, type Script } from '../api/agentry';

/** A select of the org's scripts by name, "(none)" first; the list is read when it mounts. */
export function ScriptSelect(props: SelectHTMLAttributes<HTMLSelectElement>) {
  const [scripts, setScripts] = useState<Script[]>([]);
  useEffect(() => {
    listScripts().then(setScripts, () => setScripts([]));
  }, []);
  return (
    <select {...props}>
      <option value="">(none)</option>
      {scripts.map((s) => (
        <option key={s.id} value={s.name}>
          {s.name}
        </option>
      ))}
    </select>
  );
}
