import { isIP } from 'node:net';
import { deniedRangeOf, deniedRanges, formatCidr, SLIRP_HOST, type Cidr, type HostPort } from './egress-rules.js';

/** Local destinations a proxied script still reaches directly (its own loopback: a browser's debugging port). */
const NO_PROXY = 'localhost,127.0.0.1,::1';

/**
 * The environment that points a run's HTTP clients at the agent's proxy (`buster.proxyAddress`):
 * HTTP_PROXY, HTTPS_PROXY and ALL_PROXY, lower-case too (curl reads only `http_proxy` in lower
 * case). Empty without a proxy.
 *
 * The proxy must pass the same egress rules as the script's own connections: a proxy on a
 * loopback, private, link-local or host address would be a way around them. A proxy given by
 * address (or as `localhost`) is checked here: the run is refused with an error naming the host,
 * never the proxy's credentials. A proxy given by name is not resolved by the executor (no DNS
 * query on an agent's behalf, and the answer could change by the time the script connects): the
 * script connects to it from inside the sandbox, where the kernel's rules refuse a name that
 * leads to a denied address (EACCES) like any other connection.
 */
export function proxyEnvironment(
  proxyAddress: string | undefined,
  operatorDenied: readonly Cidr[] = [],
  hostPorts: readonly HostPort[] = [],
): Record<string, string> {
  if (!proxyAddress) return {};
  const url = proxyUrl(proxyAddress);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  // RFC 6761: every *.localhost name is the loopback.
  const address = /^(.+\.)?localhost\.?$/i.test(host) ? '127.0.0.1' : host;
  // A port of the host the operator opened to sandboxes (AGENTRY_EGRESS_HOST_PORTS) is reachable at slirp's gateway: so is a proxy there.
  const openedHostPort = address === SLIRP_HOST && hostPorts.includes(Number(url.port || (url.protocol === 'https:' ? 443 : 80)));
  const range = isIP(address) && !openedHostPort ? deniedRangeOf(address, deniedRanges(operatorDenied)) : null;
  if (range) throw new Error(`proxyAddress: the proxy host ${host} is in a range scripts may not reach (${formatCidr(range)})`);
  const value = url.href.replace(/\/$/, '');
  return { HTTP_PROXY: value, HTTPS_PROXY: value, ALL_PROXY: value, http_proxy: value, https_proxy: value, all_proxy: value, NO_PROXY, no_proxy: NO_PROXY };
}

/** `host:port` is an HTTP proxy (what PhantomBuster's proxyAddress usually holds). */
function proxyUrl(proxyAddress: string): URL {
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(proxyAddress) ? proxyAddress : `http://${proxyAddress}`);
  } catch {
    throw new Error('proxyAddress is not a proxy address (like http://host:port or host:port)');
  }
  if (!['http:', 'https:', 'socks4:', 'socks4a:', 'socks5:', 'socks5h:'].includes(url.protocol)) {
    throw new Error(`proxyAddress: ${url.protocol.slice(0, -1)} proxies are not supported (http, https, socks4, socks5)`);
  }
  if (!url.hostname) throw new Error('proxyAddress has no host');
  return url;
}
