/**
 * Light or dark: the system's choice (prefers-color-scheme, in the CSS) unless the user picked one
 * with the toggle, kept in localStorage (not a secret) and applied as data-theme on <html>.
 */
export type Theme = 'light' | 'dark';
const KEY = 'agentry.theme';

/** The theme the user picked with the toggle, if any. */
export function chosenTheme(): Theme | null {
  const chosen = localStorage.getItem(KEY);
  return chosen === 'light' || chosen === 'dark' ? chosen : null;
}

export function currentTheme(): Theme {
  return chosenTheme() ?? (window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
}

export function applyTheme(theme: Theme, remember: boolean): void {
  document.documentElement.dataset.theme = theme;
  if (remember) localStorage.setItem(KEY, theme);
}
