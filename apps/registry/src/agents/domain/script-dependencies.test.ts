import { MAX_DEPENDENCIES, dependencyNames, dependencyNamesProblem } from './script-dependencies.js';

test('the header forms the classic platform accepted; only whole lines, without repeats', () => {
  const text = [
    `'phantombuster command: nodejs'`,
    `'phantombuster dependencies: lib-A.js, lib-B.js'`,
    `"phantombuster dependencies: lib-C.js";`,
    `// phantombuster dependencies: lib-D.js,lib-A.js`,
    `const s = "x 'phantombuster dependencies: lib-E.js'";`,
  ].join('\n');
  expect(dependencyNames(text)).toEqual(['lib-A.js', 'lib-B.js', 'lib-C.js', 'lib-D.js']);
  expect(dependencyNames('console.log(1)')).toEqual([]);
});

test('names that are not lib-<name>.js, or too many, are refused naming the problem', () => {
  expect(dependencyNamesProblem(['lib-A.js', 'lib-x_y.v2.js'])).toBeNull();
  for (const bad of ['../lib-A.js', 'lib-A', 'A.js', 'lib-/x.js', 'lib-..js'.replace('..', '/..')]) {
    expect(dependencyNamesProblem([bad])).toContain(JSON.stringify(bad));
  }
  const many = Array.from({ length: MAX_DEPENDENCIES + 1 }, (_, i) => `lib-N${i}.js`);
  expect(dependencyNamesProblem(many)).toBe(`A script may name at most ${MAX_DEPENDENCIES} dependencies (it names ${MAX_DEPENDENCIES + 1})`);
});
