import { networkInterfaces } from 'node:os';
import { deniedRangeOf, deniedRanges, formatCidr, ipRuleBatches, parseCidr, parseCidrList } from './egress-rules.js';
import { proxyEnvironment } from './run-proxy.js';

describe('egress ranges', () => {
  test('ranges parse in both families; a bare address is one host', () => {
    expect(parseCidrList(' 10.96.0.0/12,fd00:10::/64  203.0.113.7 ::ffff:0:0/96')).toEqual([
      { family: 4, address: '10.96.0.0', prefix: 12 },
      { family: 6, address: 'fd00:10::', prefix: 64 },
      { family: 4, address: '203.0.113.7', prefix: 32 },
      { family: 6, address: '::ffff:0:0', prefix: 96 },
    ]);
    expect(parseCidrList('')).toEqual([]);
  });

  test.each([
    ['10.1.2.3/8', /bits set below its \/8/],
    ['fd00::1/64', /bits set below its \/64/],
    ['10.0.0.0/33', /prefix length must be 0 to 32/],
    ['10.0.0.0/-1', /prefix length/],
    ['10.0.0.0/8/8', /not an address range/],
    ['example.com/24', /not an address range/],
    ['10.0.0.0/8; rm -rf /', /not an address range|prefix length/],
  ])('an operator range like %s is refused with what is wrong', (text, message) => {
    expect(() => parseCidr(text)).toThrow(message);
  });

  test('the denied ranges hold the fixed ranges, every address of this host and the operator ranges', () => {
    const denied = deniedRanges(parseCidrList('203.0.113.0/24'));
    for (const address of ['127.0.0.1', '10.0.2.2', '172.31.255.1', '192.168.1.1', '100.64.0.1', '169.254.169.254', '0.1.2.3', '224.0.0.251', '255.255.255.255', '::1', 'fe80::1', 'fd12::1', 'ff02::1', '::ffff:10.0.0.1', '203.0.113.5']) {
      expect({ address, denied: deniedRangeOf(address, denied) !== null }).toEqual({ address, denied: true });
    }
    for (const entry of Object.values(networkInterfaces()).flat()) expect(deniedRangeOf(entry!.address.split('%')[0]!, denied)).not.toBeNull();
    for (const address of ['1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700::1111']) expect(deniedRangeOf(address, denied)).toBeNull();
  });

  test('the rules let DNS through to the forwarder on port 53 only, prohibit every denied range, and all of IPv6', () => {
    const { ipv4, ipv6 } = ipRuleBatches(parseCidrList('10.0.0.0/8 169.254.0.0/16 fd00::/8'), '10.0.2.3');
    expect(ipv4.split('\n')).toEqual([
      'rule add pref 100 to 10.0.2.3/32 ipproto udp dport 53 lookup main',
      'rule add pref 100 to 10.0.2.3/32 ipproto tcp dport 53 lookup main',
      'rule add pref 200 to 10.0.0.0/8 prohibit',
      'rule add pref 200 to 169.254.0.0/16 prohibit',
      '',
    ]);
    expect(ipv6.split('\n')).toEqual(['rule add pref 200 to fd00::/8 prohibit', 'rule add pref 300 prohibit', '']);
    expect(formatCidr(parseCidr('fe80::1'))).toBe('fe80::1/128');
  });
});

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
    const own = Object.values(networkInterfaces()).flat().find((entry) => entry && !entry.internal && entry.family === 'IPv4');
    if (!own) return;
    expect(() => proxyEnvironment(`http://${own.address}:3128`)).toThrow(/in a range scripts may not reach/);
  });
});
