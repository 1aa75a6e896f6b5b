/**
 * Where the API key lives in the browser. sessionStorage by default (gone when the tab closes);
 * localStorage only when the user ticks "remember". Never in a URL: URLs end up in history,
 * logs and Referer headers.
 */
const STORAGE_KEY = 'agentry.apiKey';

export function storedKey(): string | null {
  return sessionStorage.getItem(STORAGE_KEY) ?? localStorage.getItem(STORAGE_KEY);
}

export function storeKey(key: string, remember: boolean): void {
  forgetKey();
  (remember ? localStorage : sessionStorage).setItem(STORAGE_KEY, key);
}

export function forgetKey(): void {
  sessionStorage.removeItem(STORAGE_KEY);
  localStorage.removeItem(STORAGE_KEY);
}
