// Lets a plain `node` child (started inside a test's network namespace, where Jest can't follow)
// run this folder's TypeScript sources as they are, the way Jest's SWC transform does:
//   node --import ./ts-source-loader.test-kit.mjs some.test-kit.ts
import { existsSync, readFileSync } from 'node:fs';
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import { transformSync } from '@swc/core';

// This file is also the hooks module; hooks run on their own thread, where it must not register again.
if (isMainThread) register(import.meta.url);

const repo = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * `./x.js` imported from a `.ts` source is `./x.ts` (the sources' NodeNext-style specifiers);
 * `@agentry/<lib>` is that library's source, as in Jest (jest.config.js), not its build.
 */
export async function resolve(specifier, context, next) {
  const library = /^@agentry\/([a-z-]+)$/.exec(specifier);
  if (library && existsSync(`${repo}libs/${library[1]}/src/index.ts`))
    return { url: new URL(`libs/${library[1]}/src/index.ts`, `file://${repo}`).href, shortCircuit: true };
  if (specifier.startsWith('.') && specifier.endsWith('.js') && context.parentURL?.endsWith('.ts')) {
    const url = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
    if (existsSync(fileURLToPath(url))) return { url: url.href, shortCircuit: true };
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context);
  const filename = fileURLToPath(url);
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    // As jest.config.js: decorators with metadata (NestJS).
    jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022' },
    module: { type: 'es6' },
  });
  return { format: 'module', source: code, shortCircuit: true };
}
