import { checkDestination, DestinationRefused, isNonPublicAddress } from './destination.js';

/** The test's own resolver: no name ever leaves the machine. */
const resolvesTo =
  (...addresses: string[]) =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
const neverResolve = async () => {
  throw new Error('resolver must not be called');
};

test.each([
  '127.0.0.1',
  '10.255.255.1',
  '172.16.0.1',
  '192.168.1.1',
  '169.254.169.254',
  '100.64.0.1',
  '0.0.0.0',
  '224.0.0.1',
  '255.255.255.255',
  '::1',
  '::',
  'fe80::1',
  'fd00::1',
  '::ffff:127.0.0.1',
  '::ffff:10.0.0.1',
  'not-an-address',
])('%s is not a public address', (address) => {
  expect(isNonPublicAddress(address)).toBe(true);
});

test.each(['203.0.114.1', '8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8'])('%s is public (control)', (address) => {
  expect(isNonPublicAddress(address)).toBe(false);
});

test.each([
  ['http://10.255.255.1/hook', neverResolve],
  ['http://[::1]:8080/hook', neverResolve],
  ['http://169.254.169.254/latest/meta-data', neverResolve],
  ['http://0x7f000001/hook', neverResolve], // WHATWG URL parsing normalises it to 127.0.0.1
  ['http://hooks.example.test/hook', resolvesTo('203.0.113.7', '192.168.1.20')],
  ['http://hooks.example.test/hook', resolvesTo('::ffff:127.0.0.1')],
])('%s is refused before any connection', async (url, resolve) => {
  await expect(checkDestination(url, 'refuse', resolve)).rejects.toThrow(DestinationRefused);
});

test.each(['ftp://example.test/x', 'file:///etc/passwd', 'javascript:alert(1)', 'http://user:pw@example.test/', 'not a url'])(
  '%s is refused whatever the policy',
  async (url) => {
    await expect(checkDestination(url, 'allow', resolvesTo('8.8.8.8'))).rejects.toThrow(DestinationRefused);
  },
);

test('a public name is pinned to the address that was checked; allowed private destinations pass when the operator says so', async () => {
  await expect(checkDestination('https://hooks.example.test/x', 'refuse', resolvesTo('8.8.4.4'))).resolves.toMatchObject({ address: '8.8.4.4', family: 4 });
  await expect(checkDestination('http://127.0.0.1:9/x', 'allow', neverResolve)).resolves.toMatchObject({ address: '127.0.0.1' });
});
