// ESLint rule `agentry/import-boundaries`: who may import an app.
//
// The services are separate processes that talk over NATS; an import of another app's source
// couples their builds and lets one service reach into another's internals. So:
//   - a file under apps/<a>/ never imports apps/<b>/ (relative path, `@agentry/<b>` or a deep
//     `@agentry/<b>/src/...` path): shared code belongs in libs/;
//   - a file under libs/ never imports an app at all;
//   - anything else (tests/*, bench, deploy) imports an app only through its public entries:
//     the bare package name `@agentry/<app>` (apps/<app>/src/index.ts) or a subpath the app's
//     package.json "exports" lists (e.g. `@agentry/<app>/config`), never a path into it;
//   - the test packages under tests/ (e.g. `@agentry/platform-harness`, which starts every app)
//     are for tests only: an app's tests and test kits may import them by package name, an app's
//     production code and libs never (that would pull every other app into a service).
// Every form of module reference is checked: static and dynamic imports, re-exports,
// `import('…')` types, `import x = require('…')` and `require('…')`.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The packages in apps/ or tests/ by name: `@agentry/registry` → { name, dir: 'registry', exported: Set {'.', './config'} }. */
function packagesIn(root, folder) {
  const packages = new Map();
  const parent = join(root, folder);
  for (const dir of existsSync(parent) ? readdirSync(parent) : []) {
    const manifest = join(parent, dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const { name, exports } = JSON.parse(readFileSync(manifest, 'utf8'));
    // "exports" as a subpath map (keys './x'), or one entry given directly (a string or conditions).
    const subpaths = exports && typeof exports === 'object' ? Object.keys(exports).filter((k) => k.startsWith('.')) : [];
    const exported = new Set(subpaths.length ? subpaths : ['.']);
    packages.set(name, { name, dir, exported });
  }
  return packages;
}

/** Where a file sits: { area: 'app' | 'lib' | 'tests' | 'other', name } from its path under the root. */
function placeOf(root, file) {
  const parts = relative(root, file).split(sep);
  if (parts[0] === 'apps' && parts.length > 2) return { area: 'app', name: parts[1] };
  if (parts[0] === 'libs' && parts.length > 2) return { area: 'lib', name: parts[1] };
  if (parts[0] === 'tests' && parts.length > 2) return { area: 'tests', name: parts[1] };
  return { area: 'other', name: parts[0] };
}

/** A test or a test kit (not shipped): `*.test.ts`, `*test-kit*`, anything under a `testing/` folder. */
const isTestFile = (root, file) => /(^|\/)testing\/|\.test\.[cm]?[jt]s$|test-kit/.test(relative(root, file).split(sep).join('/'));

/**
 * The app or test package a specifier lands in ({ area: 'app' | 'tests', dir, name, deep }), deep
 * when it goes past the package's public entries; undefined for anything else.
 */
function targetOf(root, packages, file, specifier) {
  if (specifier.startsWith('.')) {
    const place = placeOf(root, resolve(dirname(file), specifier));
    if (place.area !== 'app' && place.area !== 'tests') return undefined;
    const pkg = [...packages[place.area].values()].find((p) => p.dir === place.name);
    return { area: place.area, dir: place.name, name: pkg?.name ?? place.name, deep: true };
  }
  const match = /^(@[^/]+\/[^/]+)(\/.*)?$/.exec(specifier);
  for (const area of ['app', 'tests']) {
    const pkg = match && packages[area].get(match[1]);
    if (pkg) return { area, dir: pkg.dir, name: pkg.name, deep: !pkg.exported.has(`.${match[2] ?? ''}`) };
  }
  return undefined;
}

/** The rule, for a given repository root (the tests point it at fixture trees). */
export function importBoundaries(root = ROOT) {
  const packages = { app: packagesIn(root, 'apps'), tests: packagesIn(root, 'tests') };
  return {
    meta: {
      type: 'problem',
      docs: { description: "apps never import another app, libs never import apps, others only through an app's public entry" },
      schema: [],
      messages: {
        crossApp: "apps/{{from}} imports apps/{{to}} ('{{specifier}}'): services talk over NATS; move shared code to libs/",
        libToApp: "libs/{{from}} imports apps/{{to}} ('{{specifier}}'): libs never depend on an app",
        deepImport: "'{{specifier}}' reaches into apps/{{to}}: import its public entry '@agentry/{{to}}' (or a subpath its package.json exports) instead",
        testsInProduction: "{{fromArea}}/{{from}} imports the test package {{name}} ('{{specifier}}'): only tests and test kits may",
        deepTestsImport: "'{{specifier}}' reaches into tests/{{to}}: import the package '{{name}}' instead",
      },
    },
    create(context) {
      const file = context.filename;
      const from = placeOf(root, file);
      function check(node, specifier) {
        if (typeof specifier !== 'string') return;
        const target = targetOf(root, packages, file, specifier);
        if (!target) return;
        const data = { from: from.name, fromArea: from.area === 'app' ? 'apps' : 'libs', to: target.dir, name: target.name, specifier };
        if (target.area === 'tests') {
          if (from.area === 'tests' && from.name === target.dir) return;
          if (from.area === 'lib' || (from.area === 'app' && !isTestFile(root, file))) context.report({ node, messageId: 'testsInProduction', data });
          else if (target.deep) context.report({ node, messageId: 'deepTestsImport', data });
          return;
        }
        if (from.area === 'app' && from.name !== target.dir) context.report({ node, messageId: 'crossApp', data });
        else if (from.area === 'lib') context.report({ node, messageId: 'libToApp', data });
        else if ((from.area === 'other' || from.area === 'tests') && target.deep) context.report({ node, messageId: 'deepImport', data });
      }
      const literal = (node) =>
        node?.type === 'Literal' ? node.value : node?.type === 'TemplateLiteral' && node.expressions.length === 0 ? node.quasis[0].value.cooked : undefined;
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
