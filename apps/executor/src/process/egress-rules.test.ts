import { networkInterfaces } from 'node:os';
import { deniedRangeOf, deniedRanges, formatCidr, ipRuleBatches, parseCidr, parseCidrList } from './egress-rules.js';

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
    for (const address of [
      '127.0.0.1',
      '10.0.2.2',
      '172.31.255.1',
      '192.168.1.1',
      '100.64.0.1',
      '169.254.169.254',
      '0.1.2.3',
      '224.0.0.251',
      '255.255.255.255',
      '::1',
      'fe80::1',
      'fd12::1',
      'ff02::1',
      '::ffff:10.0.0.1',
      '203.0.113.5',
    ]) {
      expect({ address, denied: deniedRangeOf(address, denied) !== null }).toEqual({ address, denied: true });
    }
    for (const entry of Object.values(networkInterfaces()).flat()) expect(deniedRangeOf(entry!.address.split('%')[0]!, denied)).not.toBeNull();
    for (const address of ['1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700::1111']) expect(deniedRangeOf(address, denied)).toBeNull();
  });

  test('the rules let DNS through to the forwarder on port 53 only, prohibit every denied range, and all of IPv6', () => {
    const { ipv4, ipv6 } = ipRuleBatches(parseCidrList('10.0.0.0/8 169.254.0.0/16 fd00::/8'), '10.0.2.3');
    expect(ipv4.split('\n')).toEqual([
      'rule add pref 100 to 10.0.2.3/32 ipproto 17 dport 53 lookup main',
      'rule add pref 100 to 10.0.2.3/32 ipproto 6 dport 53 lookup main',
      'rule add pref 200 to 10.0.0.0/8 prohibit',
      'rule add pref 200 to 169.254.0.0/16 prohibit',
      '',
    ]);
    expect(ipv6.split('\n')).toEqual(['rule add pref 200 to fd00::/8 prohibit', 'rule add pref 300 prohibit', '']);
    expect(formatCidr(parseCidr('fe80::1'))).toBe('fe80::1/128');
  });
});
