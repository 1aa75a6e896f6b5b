// ESLint rule `agentry/import-boundaries`: who may import an app.
//
// The services are separate processes that talk over NATS; an import of another app's source
// couples their builds and lets one service reach into another's internals. So:
//   - a file under apps/<a>/ never imports apps/<b>/ (relative path, `@agentry/<b>` or a deep
//     `@agentry/<b>/src/...` path): shared code belongs in libs/;
//   - a file under libs/ never imports an app at all;
//   - anything else (tests/*, bench, deploy) imports an app only through its public entries:
//     the bare package name `@agentry/<app>` (apps/<app>/src/index.ts) or a subpath the app's
//     package.json "exports" lists (e.g. `@agentry/<app>/config`), never a path into it.
// Every form of module reference is checked: static and dynamic imports, re-exports,
// `import('…')` types, `import x = require('…')` and `require('…')`.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The app packages by package name: `@agentry/registry` → { dir: 'registry', exported: Set {'.', './config'} }. */
function appPackages(root) {
  const apps = new Map();
  const appsDir = join(root, 'apps');
  for (const dir of existsSync(appsDir) ? readdirSync(appsDir) : []) {
    const manifest = join(appsDir, dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const { name, exports } = JSON.parse(readFileSync(manifest, 'utf8'));
    // "exports" as a subpath map (keys './x'), or one entry given directly (a string or conditions).
    const subpaths = exports && typeof exports === 'object' ? Object.keys(exports).filter((k) => k.startsWith('.')) : [];
    const exported = new Set(subpaths.length ? subpaths : ['.']);
    apps.set(name, { dir, exported });
  }
  return apps;
}

/** Where a file sits: { area: 'app' | 'lib' | 'other', name } from its path under the root. */
function placeOf(root, file) {
  const parts = relative(root, file).split(sep);
  if (parts[0] === 'apps' && parts.length > 2) return { area: 'app', name: parts[1] };
  if (parts[0] === 'libs' && parts.length > 2) return { area: 'lib', name: parts[1] };
  return { area: 'other', name: parts[0] };
}

/** The app a specifier lands in and whether it goes past the public entry; undefined if no app. */
function targetOf(root, apps, file, specifier) {
  if (specifier.startsWith('.')) {
    const place = placeOf(root, resolve(dirname(file), specifier));
    return place.area === 'app' ? { app: place.name, deep: true } : undefined;
  }
  const match = /^(@[^/]+\/[^/]+)(\/.*)?$/.exec(specifier);
  const app = match && apps.get(match[1]);
  return app ? { app: app.dir, deep: !app.exported.has(`.${match[2] ?? ''}`) } : undefined;
}

/** The rule, for a given repository root (the tests point it at fixture trees). */
export function importBoundaries(root = ROOT) {
  const apps = appPackages(root);
  return {
    meta: {
      type: 'problem',
      docs: { description: 'apps never import another app, libs never import apps, others only through an app\'s public entry' },
      schema: [],
      messages: {
        crossApp: "apps/{{from}} imports apps/{{to}} ('{{specifier}}'): services talk over NATS; move shared code to libs/",
        libToApp: "libs/{{from}} imports apps/{{to}} ('{{specifier}}'): libs never depend on an app",
        deepImport: "'{{specifier}}' reaches into apps/{{to}}: import its public entry '@agentry/{{to}}' (or a subpath its package.json exports) instead",
      },
    },
    create(context) {
      const file = context.filename;
      const from = placeOf(root, file);
      function check(node, specifier) {
        if (typeof specifier !== 'string') return;
        const target = targetOf(root, apps, file, specifier);
        if (!target) return;
        const data = { from: from.name, to: target.app, specifier };
        if (from.area === 'app' && from.name !== target.app) context.report({ node, messageId: 'crossApp', data });
        else if (from.area === 'lib') context.report({ node, messageId: 'libToApp', data });
        else if (from.area === 'other' && target.deep) context.report({ node, messageId: 'deepImport', data });
      }
      const literal = (node) => (node?.type === 'Literal' ? node.value : node?.type === 'TemplateLiteral' && node.expressions.length === 0 ? node.quasis[0].value.cooked : undefined);
      return {
        ImportDeclaration: (node) => check(node.source, node.source.value),
        ExportAllDeclaration: (node) => check(node.source, node.source.value),
        ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
        ImportExpression: (node) => check(node.source, literal(node.source)),
        TSImportType: (node) => check(node, literal(node.argument?.literal ?? node.argument)),
        TSExternalModuleReference: (node) => check(node.expression, literal(node.expression)),
        CallExpression: (node) => node.callee.type === 'Identifier' && node.callee.name === 'require' && check(node, literal(node.arguments[0])),
      };
    },
  };
}

export default { rules: { 'import-boundaries': importBoundaries() } };
