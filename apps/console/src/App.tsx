import { useEffect, useState } from 'react';
import { fetchOrg, type Org } from './api/agentry';
import { forgetKey, storedKey } from './api/session';
import { Link, Router, useRouter } from './router';
import { applyTheme, currentTheme, type Theme } from './theme';
import { SignIn } from './pages/SignIn';
import { AgentsList } from './pages/AgentsList';
import { AgentPage } from './pages/AgentPage';
import { ScriptsPage } from './pages/ScriptsPage';
import { OrgSettings } from './pages/OrgSettings';

export function App() {
  return (
    <Router>
      <Shell />
    </Router>
  );
}

function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(currentTheme());
  // Without a choice of the user's, the label follows the system's preference as it changes.
  useEffect(() => {
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    const onChange = () => setTheme(currentTheme());
    media.addEventListener('change', onChange);
    return () => media.removeEventListener('change', onChange);
  }, []);
  const next: Theme = theme === 'dark' ? 'light' : 'dark';
  return (
    <button
      type="button"
      className="theme-toggle"
      aria-label={`Switch to ${next} theme`}
      onClick={() => {
        applyTheme(next, true);
        setTheme(next);
      }}
    >
      {theme === 'dark' ? '☀ Light' : '☾ Dark'}
    </button>
  );
}

function Shell() {
  const { path, navigate } = useRouter();
  const [org, setOrg] = useState<Org | null>(null);
  const [checked, setChecked] = useState(false);

  useEffect(() => {
    if (!storedKey()) return setChecked(true);
    fetchOrg()
      .then(setOrg)
      .catch(() => forgetKey())
      .finally(() => setChecked(true));
  }, []);

  useEffect(() => {
    document.getElementById('main')?.focus();
  }, [path]);

  if (!checked) return null;
  if (!org) {
    return (
      <>
        <header className="topbar">
          <span className="brand">Agentry</span>
          <ThemeToggle />
        </header>
        <main id="main" tabIndex={-1}>
          <SignIn onSignedIn={setOrg} />
        </main>
      </>
    );
  }

  const agentMatch = /^\/agents\/([^/]+)$/.exec(path);
  const scriptMatch = /^\/scripts\/([^/]+)$/.exec(path);
  let page;
  if (agentMatch) page = <AgentPage key={agentMatch[1]} id={decodeURIComponent(agentMatch[1]!)} />;
  else if (path === '/scripts' || scriptMatch) page = <ScriptsPage selectedId={scriptMatch ? decodeURIComponent(scriptMatch[1]!) : undefined} />;
  else if (path === '/settings') page = <OrgSettings />;
  else page = <AgentsList />;

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Agentry</span>
        <nav aria-label="Main">
          <Link to="/">Agents</Link>
          <Link to="/scripts">Scripts</Link>
          <Link to="/settings">Settings</Link>
        </nav>
        <span className="org" title="Signed in to this org">
          {org.name}
        </span>
        <ThemeToggle />
        <button
          type="button"
          onClick={() => {
            forgetKey();
            setOrg(null);
            navigate('/');
          }}
        >
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {page}
      </main>
    </>
  );
}
