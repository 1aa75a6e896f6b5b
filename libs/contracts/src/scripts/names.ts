/**
 * Script names are file names: a slug and an extension. The slug rule is the v2 one: a word
 * character, then up to 48 word characters, dots, spaces or dashes, ending in a word character
 * (one character alone is a valid slug).
 */
export const SCRIPT_NAME_PATTERN = /^\w(?:[\w. -]{0,48}\w)?\.(?:js|mjs|coffee)$/;

/** `source` says where a script comes from (`phantombuster`, `web`, `sdk`, `bot builder` are the classic ones). */
export const SCRIPT_SOURCE_PATTERN = /^[A-Za-z0-9 ]{1,20}$/;
export const DEFAULT_SCRIPT_SOURCE = 'api';

/**
 * Script text travels inside one NATS message (default max payload 1 MiB) together with its
 * envelope, so it is capped well below that.
 */
export const MAX_SCRIPT_TEXT_BYTES = 512 * 1024;

export type ScriptLanguage = 'javascript' | 'javascript-module' | 'coffeescript';

export function scriptLanguageOf(name: string): ScriptLanguage {
  if (name.endsWith('.mjs')) return 'javascript-module';
  if (name.endsWith('.coffee')) return 'coffeescript';
  return 'javascript';
}

/**
 * The runtime is Node only: `.coffee` scripts are accepted and stored (existing clients upload
 * them) but launching one must fail with a clear message instead of running CoffeeScript as JS.
 */
export const isRunnableScriptName = (name: string): boolean => scriptLanguageOf(name) !== 'coffeescript';
export const COFFEESCRIPT_NOT_RUNNABLE =
  'CoffeeScript (.coffee) scripts are stored but cannot be launched: the runtime runs Node.js only. Compile it to .js and save it under a .js name.';
