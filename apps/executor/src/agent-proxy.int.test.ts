import { parseCidrList } from './process/egress-rules.js';
import { startExecutorTestbed, type ExecutorTestbed } from './testing/executor-harness.js';

/**
 * An agent's proxy (proxyType/proxyAddress/proxyUsername/proxyPassword) end to end: saved by the
 * registry, opened by the executor, given to the script — or refused by the egress rules, with
 * the reason where the agent's owner reads it. No connection to the proxy is made: the scripts
 * only print what they were given.
 */
const PRINT_PROXY = `
const buster = require('phantombuster').create();
console.log(JSON.stringify({ buster: buster.proxyAddress, https: process.env.HTTPS_PROXY || null, noProxy: process.env.NO_PROXY || null }));
`;

describe("an agent's proxy", () => {
  let bed: ExecutorTestbed;

  beforeAll(async () => {
    bed = await startExecutorTestbed({ config: { isolation: 'none', egressDenied: parseCidrList('198.51.100.0/24') } });
  });
  afterAll(async () => {
    await bed?.close();
  });

  test('reaches the script as buster.proxyAddress and HTTP(S)_PROXY, with its user and opened password', async () => {
    const agentId = await bed.agentWithScript(PRINT_PROXY, {
      proxyType: 'http',
      proxyAddress: '203.0.113.20:3128',
      proxyUsername: 'scraper',
      proxyPassword: 's3cret',
    });
    const { containerId } = await bed.launch({ agentId });
    expect((await bed.waitEnded(containerId)).ended).toMatchObject({ status: 'complete' });
    expect(JSON.parse((await bed.durableOutput(containerId)).toString('utf8'))).toEqual({
      buster: 'http://scraper:s3cret@203.0.113.20:3128',
      https: 'http://scraper:s3cret@203.0.113.20:3128',
      noProxy: 'localhost,127.0.0.1,::1',
    });
  });

  test.each([
    ['a private address', '10.1.2.3:3128', 'the proxy host 10.1.2.3 is in a range scripts may not reach (10.0.0.0/8)'],
    ['the cloud metadata address', 'http://169.254.169.254', 'the proxy host 169.254.169.254 is in a range scripts may not reach (169.254.0.0/16)'],
    ['localhost', 'localhost:8080', 'the proxy host localhost is in a range scripts may not reach (127.0.0.0/8)'],
    ['a range of AGENTRY_EGRESS_DENY', '198.51.100.7:3128', 'the proxy host 198.51.100.7 is in a range scripts may not reach (198.51.100.0/24)'],
  ])('on %s fails the run before the script starts, saying why on its console, never the password', async (_name, proxyAddress, reason) => {
    const agentId = await bed.agentWithScript(`console.log('the script ran')`, {
      proxyType: 'http',
      proxyAddress,
      proxyUsername: 'scraper',
      proxyPassword: 's3cret',
    });
    const { containerId } = await bed.launch({ agentId });
    expect((await bed.waitEnded(containerId)).ended).toMatchObject({ status: 'failed' });
    const output = (await bed.durableOutput(containerId)).toString('utf8');
    expect(output).toBe(`[agentry] proxyAddress: ${reason}\n`);
    expect(output).not.toContain('s3cret');
  });
});
