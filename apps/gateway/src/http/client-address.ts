import { isIPv4, isIPv6 } from 'node:net';
import type { FastifyRequest } from 'fastify';

/**
 * Who a rate limit counts against: the client's address as Fastify sees it (the socket's peer,
 * or the X-Forwarded-For entry set by a proxy listed in TRUST_PROXY — never a header an arbitrary
 * client could set). An IPv6 client usually holds a whole /64, so it is counted as one: otherwise
 * a single host could rotate through 2^64 addresses, each with a fresh budget.
 */
export function clientAddressOf(request: FastifyRequest): string {
  return rateLimitSubject(request.ip);
}

export function rateLimitSubject(ip: string): string {
  const mapped = ip.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i)?.[1];
  if (mapped) return mapped;
  if (isIPv4(ip) || !isIPv6(ip)) return ip;
  return `${expandIPv6(ip).slice(0, 4).join(':')}::/64`;
}

/** `2001:db8::1` → its eight 16-bit groups, as hex without leading zeros. */
function expandIPv6(ip: string): string[] {
  const [head, tail] = ip.split('%')[0]!.split('::') as [string, string | undefined];
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const left = groups(head);
  const right = groups(tail);
  const missing = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array<string>(missing).fill('0'), ...right].map((g) => (g.includes('.') ? g : parseInt(g, 16).toString(16)));
}
