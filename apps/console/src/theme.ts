/**
 * Light or dark: the system's choice (prefers-color-scheme, in the CSS) unless the user picked one
 * with the toggle, kept in localStorage (not a secret) and applied as data-theme on <html>.
 */
export type Theme = 'light' | 'dark';
const KEY = 'agentry.theme';

export function currentTheme(): Theme {
  const chosen = localStorage.getItem(KEY);
  if (chosen === 'light' || chosen === 'dark') return chosen;
  return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function applyTheme(theme: Theme, remember: boolean): void {
  document.documentElement.dataset.theme = theme;
  if (remember) localStorage.setItem(KEY, theme);
}
