import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Addresses a webhook may not reach unless the operator allows private destinations. */
// Two lists: a BlockList also matches IPv4 addresses against IPv6 rules (::ffff:0:0/96 would block all of IPv4).
const NON_PUBLIC_V4 = new BlockList();
const NON_PUBLIC_V6 = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  NON_PUBLIC_V4.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['::ffff:0:0', 96],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  NON_PUBLIC_V6.addSubnet(net, prefix, 'ipv6');

export const isNonPublicAddress = (address: string): boolean => {
  const family = isIP(address);
  if (family === 0) return true;
  // An IPv4-mapped IPv6 address is judged as the IPv4 address it carries.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return NON_PUBLIC_V4.check(mapped[1]!, 'ipv4');
  return family === 4 ? NON_PUBLIC_V4.check(address, 'ipv4') : NON_PUBLIC_V6.check(address, 'ipv6');
};

/** A destination the notifier will not deliver to (never retried: the URL is the problem). */
export class DestinationRefused extends Error {}

/** Where to connect: the checked address, with the URL's host kept for the Host header and TLS name. */
export interface CheckedDestination {
  url: URL;
  address: string;
  family: 4 | 6;
}

export type Resolve = (host: string) => Promise<{ address: string; family: number }[]>;
const systemResolve: Resolve = (host) => lookup(host, { all: true, verbatim: true });

/**
 * Resolves the URL's host and checks EVERY address it has (a name with one public and one private
 * address is refused: which one a later connect would pick is not ours to guess), then answers the
 * address to connect to, so a second resolution (DNS rebinding) cannot swap a private one in.
 * Nothing is sent anywhere before this answers.
 */
export async function checkDestination(raw: string, privateDestinations: 'refuse' | 'allow', resolve: Resolve = systemResolve): Promise<CheckedDestination> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DestinationRefused('not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new DestinationRefused(`scheme ${url.protocol} is not http or https`);
  if (url.username || url.password) throw new DestinationRefused('credentials in the URL are not sent');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await resolve(host);
  if (addresses.length === 0) throw new Error(`${host} has no address`);
  if (privateDestinations === 'refuse') {
    const blocked = addresses.find((a) => isNonPublicAddress(a.address));
    if (blocked) throw new DestinationRefused(`${host} resolves to a loopback, private, link-local or reserved address (${blocked.address})`);
  }
  const first = addresses[0]!;
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}
