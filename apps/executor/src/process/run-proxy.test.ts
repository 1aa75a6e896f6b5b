import { networkInterfaces } from 'node:os';
import { parseCidrList } from './egress-rules.js';
import { runScript } from './run-script.test-kit.js';
import { proxyEnvironment } from './run-proxy.js';

describe("an agent's proxy", () => {
  test('its address becomes the HTTP(S)/ALL_PROXY variables, credentials included, local destinations excepted', () => {
    const env = proxyEnvironment('http://user:p%40ss@203.0.113.20:3128');
    expect(env).toEqual({
      HTTP_PROXY: 'http://user:p%40ss@203.0.113.20:3128',
      HTTPS_PROXY: 'http://user:p%40ss@203.0.113.20:3128',
      ALL_PROXY: 'http://user:p%40ss@203.0.113.20:3128',
      http_proxy: 'http://user:p%40ss@203.0.113.20:3128',
      https_proxy: 'http://user:p%40ss@203.0.113.20:3128',
      all_proxy: 'http://user:p%40ss@203.0.113.20:3128',
      NO_PROXY: 'localhost,127.0.0.1,::1',
      no_proxy: 'localhost,127.0.0.1,::1',
    });
    expect(proxyEnvironment('203.0.113.20:8080')).toMatchObject({ HTTP_PROXY: 'http://203.0.113.20:8080' });
    expect(proxyEnvironment('socks5://[2001:db8::5]:1080')).toMatchObject({ ALL_PROXY: 'socks5://[2001:db8::5]:1080' });
    expect(proxyEnvironment('')).toEqual({});
    // A name is left to the sandbox's rules (the script connects to it from inside): not resolved here.
    expect(proxyEnvironment('http://proxy.example:3128')).toMatchObject({ HTTPS_PROXY: 'http://proxy.example:3128' });
  });

  test.each([
    ['http://admin:hunter2@127.0.0.1:3128', /proxy host 127\.0\.0\.1 is in a range scripts may not reach \(127\.0\.0\.0\/8\)/],
    ['http://admin:hunter2@localhost:3128', /proxy host localhost is in a range scripts may not reach \(127\.0\.0\.0\/8\)/],
    ['http://db.localhost.:3128', /proxy host db\.localhost\. is in a range/],
    ['10.0.0.5:3128', /10\.0\.0\.0\/8/],
    // WHATWG URL reads 2130706433 and 0x7f.1 as 127.0.0.1, like the clients that will connect to it.
    ['http://2130706433:3128', /127\.0\.0\.0\/8/],
    ['http://0x7f.1:3128', /127\.0\.0\.0\/8/],
    ['http://169.254.169.254', /169\.254\.0\.0\/16/],
    ['http://[fd00::1]:3128', /fc00::\/7/],
    ['http://[::ffff:192.168.0.1]:3128', /192\.168\.0\.0\/16|::ffff:0:0\/96/],
    ['http://203.0.113.77:3128', /203\.0\.113\.77\/32/],
    ['file:///etc/passwd', /file proxies are not supported/],
    ['http://admin:hunter2@', /not a proxy address|has no host/],
  ])('a proxy at %s is refused, saying why, never with its credentials', (address, message) => {
    const refusal = () => proxyEnvironment(address, parseCidrList('203.0.113.77'));
    expect(refusal).toThrow(message);
    expect(refusal).toThrow(/^(?![\s\S]*hunter2)/);
  });

  test("a proxy on one of this host's own addresses is refused", () => {
    const own = Object.values(networkInterfaces())
      .flat()
      .find((entry) => entry && !entry.internal && entry.family === 'IPv4');
    if (!own) return;
    expect(() => proxyEnvironment(`http://${own.address}:3128`)).toThrow(/in a range scripts may not reach/);
  });
});

describe("an agent's proxy on a run", () => {
  test('the script sees it in buster.proxyAddress and in its environment', async () => {
    const script = `console.log(JSON.stringify({ busterProxy: require('phantombuster').create().proxyAddress, env: process.env.HTTPS_PROXY }))`;
    const result = await runScript('none', script, { proxyAddress: 'http://u:p@203.0.113.20:3128' });
    expect(JSON.parse(result.output.toString())).toEqual({ busterProxy: 'http://u:p@203.0.113.20:3128', env: 'http://u:p@203.0.113.20:3128' });
  });

  test('a proxy on a denied address fails the run before anything starts, saying why on its console', async () => {
    const result = await runScript('none', `console.log('ran')`, { proxyAddress: 'http://u:secret@169.254.169.254:80' });
    const reason = 'proxyAddress: the proxy host 169.254.169.254 is in a range scripts may not reach (169.254.0.0/16)';
    expect(result.outcome).toMatchObject({ reason: 'spawn-failed', error: reason });
    // The agent's owner reads why on the run's console; the script never ran, the password is not there.
    expect(result.output.toString()).toBe(`[agentry] ${reason}\n`);
  });
});

test('a proxy at 10.0.2.2 passes only on a host port the operator opened (AGENTRY_EGRESS_HOST_PORTS)', () => {
  expect(proxyEnvironment('10.0.2.2:3128', [], [3128]).HTTP_PROXY).toBe('http://10.0.2.2:3128');
  expect(() => proxyEnvironment('10.0.2.2:3129', [], [3128])).toThrow('proxyAddress: the proxy host 10.0.2.2 is in a range scripts may not reach (10.0.0.0/8)');
  expect(() => proxyEnvironment('127.0.0.1:3128', [], [3128])).toThrow('(127.0.0.0/8)');
  expect(() => proxyEnvironment('10.0.2.2:3128')).toThrow('(10.0.0.0/8)');
});
