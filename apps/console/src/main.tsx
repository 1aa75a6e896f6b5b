import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { applyTheme, chosenTheme } from './theme';
import './styles.css';

// Without a choice, data-theme stays unset and the CSS follows the system's preference as it changes.
const chosen = chosenTheme();
if (chosen) applyTheme(chosen, false);
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
