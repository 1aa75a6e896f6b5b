import { isolationAvailable } from './process/index.js';
import { startExecutorTestbed, type ExecutorTestbed } from './testing/executor-harness.js';

/**
 * `'phantombuster dependencies: lib-X.js, …'`: the org's `lib-*` scripts become `require('lib-X')`-able
 * in the run (CommonJS and ES module scripts, with and without the sandbox); a missing one, or one
 * that only another org has, fails the run before it starts with a console line naming it.
 */
const isolations: ('none' | 'bubblewrap')[] = (await isolationAvailable()) === 'bubblewrap' ? ['none', 'bubblewrap'] : ['none'];

describe.each(isolations)('isolation %s', (isolation) => {
  let bed: ExecutorTestbed;
  const run = async (agentId: number) => {
    const { containerId } = await bed.launch({ agentId });
    const state = await bed.waitEnded(containerId);
    return { status: state.ended?.status, output: (await bed.durableOutput(containerId)).toString('utf8') };
  };

  beforeAll(async () => {
    bed = await startExecutorTestbed({ config: { isolation } });
    await bed.saveScript('lib-Greeter.js', `module.exports = { greet: (who) => 'hello ' + who };`);
    await bed.saveScript('lib-Counter.js', `'phantombuster dependencies: lib-Greeter.js'\nlet n = 0; module.exports = () => ++n;`);
  });

  afterAll(async () => {
    await bed?.close();
  });

  test('the three header forms: each named lib of the org is require()-able, others are not', async () => {
    const script = `'phantombuster command: nodejs'
"phantombuster dependencies: lib-Greeter.js";
// phantombuster dependencies: lib-Counter.js
const { greet } = require('lib-Greeter');
const count = require('lib-Counter');
count();
let unlisted = 'loaded';
try { require('lib-Unlisted'); } catch (e) { unlisted = e.code; }
console.log(JSON.stringify({ greeting: greet('lib'), count: count(), unlisted }));
`;
    await bed.saveScript('lib-Unlisted.js', 'module.exports = 1;');
    const { status, output } = await run(await bed.agentWithScript(script));
    expect(status === 'complete' ? 'complete' : output).toBe('complete');
    expect(JSON.parse(output.trim().split('\n').at(-1)!)).toEqual({ greeting: 'hello lib', count: 2, unlisted: 'MODULE_NOT_FOUND' });
  });

  test('an ES module script imports a lib', async () => {
    const scriptId = await bed.saveScript(
      'esm-user.mjs',
      `'phantombuster dependencies: lib-Greeter.js'\nimport lib from 'lib-Greeter';\nconsole.log(lib.greet('esm'));\n`,
    );
    const { status, output } = await run((await bed.saveAgent({ scriptId })).id);
    expect(status === 'complete' ? 'complete' : output).toBe('complete');
    expect(output.trim()).toBe('hello esm');
  });

  test('a missing lib fails the run at start, its console line naming the lib; the script never runs', async () => {
    const script = `'phantombuster dependencies: lib-Greeter.js, lib-Missing.js'\nconsole.log('SCRIPT RAN');`;
    const { status, output } = await run(await bed.agentWithScript(script));
    expect(status).toBe('failed');
    expect(output).toContain("Dependency lib-Missing.js not found among the org's scripts");
    expect(output).not.toContain('SCRIPT RAN');
  });

  test("another org's lib is not found: a run only sees its own org's scripts", async () => {
    const stranger = await bed.newOrgActor();
    await bed.saveScript('lib-Secret.js', `module.exports = 'other org secret';`, stranger);
    const { status, output } = await run(await bed.agentWithScript(`'phantombuster dependencies: lib-Secret.js'\nconsole.log(require('lib-Secret'));`));
    expect(status).toBe('failed');
    expect(output).toContain("Dependency lib-Secret.js not found among the org's scripts");
    expect(output).not.toContain('other org secret');
    // Control: the same script in the org that owns the lib runs and reads it.
    const owned = await bed.agentWithScript(`'phantombuster dependencies: lib-Secret.js'\nconsole.log(require('lib-Secret'));`, {}, stranger);
    const { containerId } = await bed.launch({ agentId: owned }, stranger);
    await bed.waitEnded(containerId);
    expect((await bed.durableOutput(containerId)).toString('utf8').trim()).toBe('other org secret');
  });

  test('libraries over the size bound in total fail the run at start, naming the bound', async () => {
    const big = `module.exports = ${JSON.stringify('x'.repeat(200 * 1024))}.length;`;
    await bed.saveScript('lib-BigA.js', big);
    await bed.saveScript('lib-BigB.js', big);
    const { status, output } = await run(await bed.agentWithScript(`'phantombuster dependencies: lib-BigA.js, lib-BigB.js'\nconsole.log('SCRIPT RAN');`));
    expect(status).toBe('failed');
    expect(output).toContain('Dependencies are over 393216 bytes in total (at lib-BigB.js)');
    expect(output).not.toContain('SCRIPT RAN');
  });

  test('a name that is not lib-<name>.js (a path) is refused, naming it', async () => {
    const { status, output } = await run(await bed.agentWithScript(`'phantombuster dependencies: ../../etc/passwd'\nconsole.log('SCRIPT RAN');`));
    expect(status).toBe('failed');
    expect(output).toContain('Dependency "../../etc/passwd" is not a lib-<name>.js script name');
    expect(output).not.toContain('SCRIPT RAN');
  });
});
