import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bubblewrapUsable, runScript } from '../process/run-script.test-kit.js';
import { DEFAULT_IMAGE, requestedImage, RuntimeImages } from './runtime-images.js';

/** A runtime image folder with `modules` "installed" (each a tiny CommonJS module answering its name). */
function imageFolder(root: string, folder: string, name: string, modules: string[], installed = true): string {
  const dir = join(root, folder);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ agentryImage: name, dependencies: Object.fromEntries(modules.map((m) => [m, '1.0.0'])) }));
  if (installed) {
    for (const module of modules) {
      mkdirSync(join(dir, 'node_modules', module), { recursive: true });
      writeFileSync(join(dir, 'node_modules', module, 'package.json'), JSON.stringify({ name: module, version: '1.0.0', main: 'index.js' }));
      writeFileSync(join(dir, 'node_modules', module, 'index.js'), `module.exports = ${JSON.stringify(`${module} from ${name}`)};`);
    }
  }
  return dir;
}

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'agentry-images-'));
  // Like the installed images: readable by the run user, who binds them into the sandbox.
  chmodSync(root, 0o755);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

test('the header line picks the image: phantom image, phantombuster package 3-5, none = the default; the last line wins', () => {
  expect(requestedImage(`console.log(1)`)).toEqual({ name: DEFAULT_IMAGE, line: null });
  expect(requestedImage(`'phantom image: web-node:v1'\n`)).toEqual({ name: 'web-node:v1', line: 'phantom image: web-node:v1' });
  expect(requestedImage(`"phantombuster command: nodejs"\n"phantombuster package: 5";\n`)).toEqual({ name: 'web-node:v1', line: 'phantombuster package: 5' });
  expect(requestedImage(`// phantom image: scrapers:v2\n`)).toEqual({ name: 'scrapers:v2', line: 'phantom image: scrapers:v2' });
  expect(requestedImage(`'phantombuster package: 2'\n`)).toEqual({ name: 'package 2', line: 'phantombuster package: 2' });
  // A hostile header is echoed clipped, never whole.
  expect(requestedImage(`'phantom image: ${'x'.repeat(5000)}'`).line).toBe(`phantom image: ${'x'.repeat(100)}…`);
  // Only whole lines: a mention inside code is not a header.
  expect(requestedImage(`const s = "x 'phantom image: evil:v1' y";\n`).line).toBeNull();
});

test('an unknown image or package fails the run naming it and what this executor has; no header without the default image runs with none', () => {
  const images = RuntimeImages.load(root);
  imageFolder(root, 'a', 'web-node:v1', ['left-pad']);
  const loaded = RuntimeImages.load(root);
  expect(loaded.forScript(`'phantombuster package: 2'`)).toEqual({
    image: null,
    problem: "'phantombuster package: 2': no such runtime image on this executor (available: web-node:v1)",
  });
  expect(loaded.forScript(`'phantom image: other:v1'`).problem).toContain("'phantom image: other:v1': no such runtime image");
  // A path is no image name: nothing is looked up on disk at run time.
  expect(loaded.forScript(`'phantom image: ../../etc'`)).toEqual({
    image: null,
    problem: "'phantom image: ../../etc': no such runtime image on this executor (available: web-node:v1)",
  });
  expect(loaded.forScript('').image).toMatchObject({ name: 'web-node:v1', modules: ['left-pad'] });
  expect(images.forScript('')).toEqual({ image: null, problem: null });
  expect(images.forScript(`'phantom image: web-node:v1'`).problem).toBe(
    "'phantom image: web-node:v1': no such runtime image on this executor (none installed)",
  );
});

test("a built-in image that is not installed is a logged problem, not an image; an operator's one stops the boot, saying how to install it", () => {
  const builtIn = join(root, 'built-in');
  imageFolder(builtIn, 'web', 'web-node:v1', ['cheerio'], false);
  const loaded = RuntimeImages.load(builtIn);
  expect(loaded.names()).toEqual([]);
  expect(loaded.problems[0]).toMatch(/runtime image web-node:v1 \(.*\) is not installed \(missing cheerio\): run npm ci --ignore-scripts --prefix /);
  const operator = join(root, 'operator');
  imageFolder(operator, 'x', 'extra:v1', ['moment'], false);
  expect(() => RuntimeImages.load(builtIn, operator)).toThrow(/extra:v1 .* is not installed \(missing moment\)/);
  writeFileSync(join(operator, 'x', 'package.json'), JSON.stringify({ dependencies: { '../../etc': '1' } }));
  expect(() => RuntimeImages.load(builtIn, operator)).toThrow(/needs "agentryImage"/);
  writeFileSync(join(operator, 'x', 'package.json'), JSON.stringify({ agentryImage: 'extra:v1', dependencies: { '../../etc': '1' } }));
  expect(() => RuntimeImages.load(builtIn, operator)).toThrow(/not package names: \.\.\/\.\.\/etc/);
});

(bubblewrapUsable ? test : test.skip)(
  "an operator's image (EXECUTOR_RUNTIME_MODULES_DIR) extends the set: its modules are required and imported in the sandbox, read-only",
  async () => {
    const operator = join(root, 'operator');
    imageFolder(operator, 'extra', 'extra:v1', ['house-helpers', '@acme/tools']);
    const image = RuntimeImages.load(join(root, 'none'), operator).forScript(`'phantom image: extra:v1'`).image!;
    const script = `'phantom image: extra:v1'
    const fs = require('fs');
    let write;
    try { fs.writeFileSync(require.resolve('house-helpers'), 'x'); write = 'written'; } catch (error) { write = error.code; }
    console.log(JSON.stringify([require('house-helpers'), require('@acme/tools'), write]));`;
    const result = await runScript('bubblewrap', script, { image });
    expect(JSON.parse(result.output.toString())).toEqual(['house-helpers from extra:v1', '@acme/tools from extra:v1', 'EROFS']);
    // Control: a run without the image has none of its modules.
    const without = await runScript('bubblewrap', `try { require('house-helpers'); console.log('found') } catch (e) { console.log(e.code) }`);
    expect(without.output.toString().trim()).toBe('MODULE_NOT_FOUND');
  },
);
