import { join } from 'node:path';
import { runtimeScriptDir } from './runtime-files.js';
import { SANDBOX } from './sandbox.js';
import type { Isolation, RunRequest } from './types.js';

/** A link the run folder's `node_modules` gets: `node_modules/<name>` → `target` (as the script sees it). */
export interface ModuleLink {
  name: string;
  target: string;
}

/** An npm package name: lower case, optionally scoped; never `.`/`..` or a path. */
const PACKAGE_NAME = /^(@[a-z0-9~-][a-z0-9._~-]*\/)?[a-z0-9~-][a-z0-9._~-]*$/;

export function isPackageName(name: string): boolean {
  return PACKAGE_NAME.test(name) && !name.split('/').some((part) => part === '.' || part === '..');
}

/**
 * The browser libraries scripts know by their full names: `require('puppeteer')` and
 * `require('playwright')` load the runtime's builds (libs/runtime/script/browser) wired to the
 * system Chromium, when the image has the `-core` package they wrap (no browser download, ever).
 */
const BROWSER_BUILDS: Record<string, string> = { puppeteer: 'puppeteer-core', playwright: 'playwright-core' };

/**
 * Links from the run folder's `node_modules` to each module of the run's image, and to the browser
 * builds: node looks in `<script folder>/node_modules` first, for `require` and `import` alike
 * (ESM ignores NODE_PATH), with or without the sandbox. Targets are the image as the script sees
 * it: `/opt/agentry/image/node_modules` in the sandbox (a read-only bind), the host folder without one.
 */
export function moduleLinks(req: Pick<RunRequest, 'image'>, isolation: Isolation): ModuleLink[] {
  if (!req.image) return [];
  const sandboxed = isolation === 'bubblewrap';
  const modulesDir = sandboxed ? SANDBOX.imageModules : req.image.modulesDir;
  const runtimeDir = sandboxed ? SANDBOX.runtime : runtimeScriptDir;
  const links = req.image.modules.filter(isPackageName).map((name) => ({ name, target: join(modulesDir, name) }));
  for (const [name, core] of Object.entries(BROWSER_BUILDS)) {
    if (req.image.modules.includes(core) && !req.image.modules.includes(name)) links.push({ name, target: join(runtimeDir, 'browser', name) });
  }
  return links;
}
