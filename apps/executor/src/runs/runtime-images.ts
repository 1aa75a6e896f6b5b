import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scriptHeaderLines } from '@agentry/contracts';
import { isPackageName } from '../process/runtime-modules.js';

/**
 * Runtime images: curated sets of npm modules a script may `require` without installing anything,
 * picked by its header line. Each is a folder holding a package.json (its `agentryImage` name, e.g.
 * `web-node:v1`, and its dependencies, exact versions, locked) and the `node_modules` `npm ci`
 * installed there — once per executor, never at run time. The runner mounts the folder read-only.
 */
export interface RuntimeImage {
  name: string;
  modulesDir: string;
  /** The package.json's dependencies: what a script may require by name. */
  modules: string[];
}

/** The images shipped in the repo (runtime-images/<folder>), installed by `.ci/run` and the executor's container image. */
export const BUILT_IN_IMAGES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../runtime-images');

/** What a script without a header line gets, and what `phantombuster package: 3|4|5` stands for. */
export const DEFAULT_IMAGE = 'web-node:v1';

/**
 * The classic platform's package numbers: 1 and 2 were CasperJS / PhantomJS environments (we only
 * run Node), 3 to 5 Node ones whose modules web-node:v1 carries (puppeteer, cheerio, lodash,
 * papaparse, node-fetch, moment; see libs/runtime/README.md).
 */
const CLASSIC_PACKAGES: Record<string, string> = { '3': DEFAULT_IMAGE, '4': DEFAULT_IMAGE, '5': DEFAULT_IMAGE };

/**
 * The image a script asks for by its header (`'phantom image: web-node:v1'`, `"phantombuster package: 5"`,
 * `// phantombuster package: 5`: libs/contracts/src/scripts/header.ts; the last such line wins), or the default.
 */
export function requestedImage(scriptText: string): { name: string; line: string | null } {
  let found: { name: string; line: string | null } = { name: DEFAULT_IMAGE, line: null };
  for (const { key: kind, value } of scriptHeaderLines(scriptText)) {
    if (kind !== 'phantom image' && kind !== 'phantombuster package') continue;
    // Clipped: the line is echoed on the run's console when no such image exists.
    const line = `${kind}: ${value.length > 100 ? `${value.slice(0, 100)}…` : value}`;
    if (kind === 'phantom image') found = { name: value, line };
    else found = { name: CLASSIC_PACKAGES[value] ?? `package ${value}`, line };
  }
  return found;
}

export class RuntimeImages {
  private constructor(
    private readonly images: Map<string, RuntimeImage>,
    readonly problems: string[],
  ) {}

  /**
   * The images under `builtInDir` (a missing or uninstalled one is a problem to log: runs asking for
   * it fail, naming it) and under `operatorDir` (EXECUTOR_RUNTIME_MODULES_DIR: each must be installed,
   * or `load` throws — the executor does not start with an extension it cannot serve).
   * An operator image may replace a built-in one of the same name.
   */
  static load(builtInDir: string = BUILT_IN_IMAGES_DIR, operatorDir?: string): RuntimeImages {
    const images = new Map<string, RuntimeImage>();
    const problems: string[] = [];
    for (const image of readImages(builtInDir, problems)) images.set(image.name, image);
    if (operatorDir) {
      const operatorProblems: string[] = [];
      if (!existsSync(operatorDir) || !statSync(operatorDir).isDirectory())
        operatorProblems.push(`EXECUTOR_RUNTIME_MODULES_DIR: ${operatorDir} is not a folder`);
      else for (const image of readImages(operatorDir, operatorProblems)) images.set(image.name, image);
      if (operatorProblems.length > 0) throw new Error(operatorProblems.join('; '));
    }
    return new RuntimeImages(images, problems);
  }

  names(): string[] {
    return [...this.images.keys()].sort();
  }

  /** The image a script's header picks; a problem (the run's console line) when there is no such image here. */
  forScript(scriptText: string): { image: RuntimeImage | null; problem: string | null } {
    const wanted = requestedImage(scriptText);
    const image = this.images.get(wanted.name);
    if (image) return { image, problem: null };
    // No header and no default image installed: the run has Node's built-ins and the runtime only.
    if (wanted.line === null) return { image: null, problem: null };
    const known = this.names();
    return {
      image: null,
      problem: `'${wanted.line}': no such runtime image on this executor (${known.length > 0 ? `available: ${known.join(', ')}` : 'none installed'})`,
    };
  }
}

function readImages(root: string, problems: string[]): RuntimeImage[] {
  if (!existsSync(root)) return [];
  const images: RuntimeImage[] = [];
  for (const folder of readdirSync(root).sort()) {
    const dir = join(root, folder);
    const manifest = join(dir, 'package.json');
    if (!statSync(dir).isDirectory() || !existsSync(manifest)) continue;
    let pkg: { agentryImage?: unknown; dependencies?: Record<string, string> };
    try {
      pkg = JSON.parse(readFileSync(manifest, 'utf8')) as typeof pkg;
    } catch (error) {
      problems.push(`runtime image ${dir}: package.json is not JSON (${(error as Error).message})`);
      continue;
    }
    if (typeof pkg.agentryImage !== 'string' || !/^[a-z0-9][a-z0-9._-]*(:[a-z0-9._-]+)?$/i.test(pkg.agentryImage)) {
      problems.push(`runtime image ${dir}: package.json needs "agentryImage": "<name>:<version>"`);
      continue;
    }
    const modules = Object.keys(pkg.dependencies ?? {});
    const bad = modules.filter((name) => !isPackageName(name));
    const missing = modules.filter((name) => !existsSync(join(dir, 'node_modules', name, 'package.json')));
    if (bad.length > 0) problems.push(`runtime image ${pkg.agentryImage} (${dir}): not package names: ${bad.join(', ')}`);
    else if (missing.length > 0)
      problems.push(`runtime image ${pkg.agentryImage} (${dir}) is not installed (missing ${missing.join(', ')}): run npm ci --ignore-scripts --prefix ${dir}`);
    else images.push({ name: pkg.agentryImage, modulesDir: join(dir, 'node_modules'), modules });
  }
  return images;
}
