import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { networkInterfaces } from 'node:os';

/** An address range: `10.0.0.0/8`, `fd00::/8`; a bare address is a /32 or /128. */
export interface Cidr {
  family: 4 | 6;
  address: string;
  prefix: number;
}

/**
 * What a sandboxed script may never reach, whatever the operator sets: loopback, "this network",
 * private ranges, CGNAT (100.64/10: a cloud's internal services), link-local (169.254/16: the
 * cloud metadata service at 169.254.169.254), IETF/benchmarking ranges, multicast and the rest
 * of class E up to the limited broadcast; in IPv6 loopback, unspecified, IPv4-mapped and NAT64
 * forms of IPv4 addresses, unique-local, link-local and multicast.
 */
export const ALWAYS_DENIED: readonly string[] = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '224.0.0.0/4',
  '240.0.0.0/4',
  '::/128',
  '::1/128',
  '::ffff:0:0/96',
  '64:ff9b::/96',
  'fc00::/7',
  'fe80::/10',
  'ff00::/8',
];

/**
 * Parses one range: `a.b.c.d/n`, `x::y/n` or a bare address. Refuses host bits below the prefix
 * (`10.1.2.3/8`): the operator probably meant something else, and the kernel would refuse the rule
 * at run time — failing every run instead of the boot.
 */
export function parseCidr(text: string): Cidr {
  const [address, prefixText, extra] = text.trim().split('/');
  if (extra !== undefined || !address) throw new Error(`"${text}" is not an address range (like 10.0.0.0/8 or fd00::/8)`);
  const family = isIPv4(address) ? 4 : isIPv6(address) ? 6 : null;
  if (family === null) throw new Error(`"${text}" is not an address range (like 10.0.0.0/8 or fd00::/8)`);
  const bits = family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? bits : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= bits)) throw new Error(`"${text}": the prefix length must be 0 to ${bits}`);
  const value = toBigInt(address, family);
  const hostBits = (1n << BigInt(bits - prefix)) - 1n;
  if ((value & hostBits) !== 0n) throw new Error(`"${text}" has bits set below its /${prefix} prefix`);
  return { family, address, prefix };
}

/** AGENTRY_EGRESS_DENY's form: ranges separated by commas and/or spaces. */
export function parseCidrList(text: string): Cidr[] {
  return text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map(parseCidr);
}

export const formatCidr = (cidr: Cidr): string => `${cidr.address}/${cidr.prefix}`;

/** Every address of every interface of this host (its loopback and the rest), as /32 and /128 ranges. */
export function hostAddresses(): Cidr[] {
  return (
    Object.values(networkInterfaces())
      .flat()
      .filter((entry) => entry !== undefined)
      // A link-local IPv6 address comes with its zone (fe80::1%eth0): the range is the address.
      .map((entry) => parseCidr(entry.address.split('%')[0]!))
  );
}

/**
 * The ranges a run's script may not reach: the fixed ones, the host's own addresses (read now:
 * at each run's set-up, so an address added since the executor started counts) and the
 * operator's (e.g. the cluster's pod and service ranges).
 */
export function deniedRanges(operatorDenied: readonly Cidr[] = []): Cidr[] {
  const all = [...alwaysDeniedRanges(), ...hostAddresses(), ...operatorDenied];
  const seen = new Set<string>();
  return all.filter((cidr) => !seen.has(formatCidr(cidr)) && seen.add(formatCidr(cidr)));
}

let alwaysDenied: Cidr[] | null = null;
/** ALWAYS_DENIED parsed once: a constant, and every run with network asks (BigInt arithmetic per range). */
const alwaysDeniedRanges = (): Cidr[] => (alwaysDenied ??= ALWAYS_DENIED.map(parseCidr));

/** Answers which denied range holds an address (null: none does). */
export function deniedRangeOf(address: string, denied: readonly Cidr[]): Cidr | null {
  const family = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : null;
  if (!family) return null;
  for (const cidr of denied) {
    // BlockList matches an IPv4 address against ::ffff:0:0/96 too; the kernel routes IPv4 by its IPv4 rules only.
    if (family === 'ipv4' && cidr.family === 6) continue;
    const list = new BlockList();
    list.addSubnet(cidr.address, cidr.prefix, cidr.family === 4 ? 'ipv4' : 'ipv6');
    if (list.check(address, family)) return cidr;
  }
  return null;
}

/** A TCP port of the executor host's loopback that sandboxed scripts may reach as SLIRP_HOST:<port> (AGENTRY_EGRESS_HOST_PORTS). */
export type HostPort = number;

/** slirp4netns' gateway: the host, seen from the sandbox. */
export const SLIRP_HOST = '10.0.2.2';

/** `8080, 3128`: TCP ports (1…65535), separated by commas or spaces; empty: none. */
export function parseHostPorts(text: string): HostPort[] {
  const ports = text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((part) => {
      if (!/^\d{1,5}$/.test(part) || Number(part) < 1 || Number(part) > 65535) throw new Error(`${JSON.stringify(part)} is not a TCP port (1…65535)`);
      return Number(part);
    });
  return [...new Set(ports)];
}

/** Rule priorities: after the `local` table (0: the sandbox's own loopback and tap address stay its own), before `main` (32766). */
const PREF_ALLOWED = 100;
const PREF_DENIED = 200;
const PREF_NO_IPV6 = 300;
const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;

/**
 * `ip -batch` lines for the sandbox's network namespace: policy-routing rules evaluated by the
 * sandbox's kernel for every connect/sendto before a route is chosen, so a denied destination is
 * refused (EACCES) before any packet reaches slirp4netns.
 * - `dns` (slirp4netns' forwarder) is allowed on port 53 only: that address stands for the host's
 *   resolver, often a loopback or private address where other services listen; what libslirp
 *   does with other ports there is not relied on.
 * - Every denied range is `prohibit`: with the forwarder inside 10/8, that covers slirp's gateway
 *   (the host) and the rest of its 10.0.2.0/24 too.
 * - IPv6 is refused altogether: slirp4netns gives the sandbox no IPv6 uplink, so nothing but the
 *   sandbox's own ::1 (local table) has a use; the denied IPv6 ranges are still listed, so they
 *   hold if an uplink is ever added.
 */
export function ipRuleBatches(denied: readonly Cidr[], dns: string, hostPorts: readonly HostPort[] = []): { ipv4: string; ipv6: string } {
  const deny = (family: 4 | 6) => denied.filter((cidr) => cidr.family === family).map((cidr) => `rule add pref ${PREF_DENIED} to ${formatCidr(cidr)} prohibit`);
  // Protocol numbers, not names: `ip` would look names up in /etc/protocols, which slim images lack.
  const ipv4 = [
    `rule add pref ${PREF_ALLOWED} to ${dns}/32 ipproto ${IPPROTO_UDP} dport 53 lookup main`,
    `rule add pref ${PREF_ALLOWED} to ${dns}/32 ipproto ${IPPROTO_TCP} dport 53 lookup main`,
    // The operator's AGENTRY_EGRESS_HOST_PORTS: these TCP ports of the host's loopback, as slirp's
    // gateway (10.0.2.2 → the host's 127.0.0.1 once slirp4netns runs without --disable-host-loopback), nothing else of it.
    ...hostPorts.map((port) => `rule add pref ${PREF_ALLOWED} to ${SLIRP_HOST}/32 ipproto ${IPPROTO_TCP} dport ${port} lookup main`),
    ...deny(4),
  ];
  const ipv6 = [...deny(6), `rule add pref ${PREF_NO_IPV6} prohibit`];
  // `ip -batch` takes one family per process (`ip -4 -batch`, `ip -6 -batch`).
  return { ipv4: `${ipv4.join('\n')}\n`, ipv6: `${ipv6.join('\n')}\n` };
}

function toBigInt(address: string, family: 4 | 6): bigint {
  if (family === 4) return address.split('.').reduce((value, part) => (value << 8n) | BigInt(Number(part)), 0n);
  // An IPv4 tail (::ffff:1.2.3.4) is two groups.
  const withoutV4 = address.replace(/(\d+\.\d+\.\d+\.\d+)$/, (v4) => {
    const n = toBigInt(v4, 4);
    return `${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  });
  const [head, tail] = withoutV4.split('::');
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const present = [...groups(head), ...groups(tail)].length;
  const all = tail === undefined ? groups(head) : [...groups(head), ...Array(8 - present).fill('0'), ...groups(tail)];
  return all.reduce((value, group) => (value << 16n) | BigInt(parseInt(group, 16)), 0n);
}
