/**
 * Deterministic jitter in [-windowMs, +windowMs] for the flexible window: the same agent and
 * planned time always get the same offset (so replicas and retries agree), while agents sharing a
 * planned time spread evenly over the window.
 */
export function jitterMs(agentId: number, plannedMs: number, windowMs: number): number {
  const window = Math.floor(windowMs);
  if (!(window > 0)) return 0;
  const hash = mix(mix(0x9e3779b9 ^ agentId) ^ Math.floor(plannedMs / 4294967296) ^ mix(plannedMs >>> 0));
  return Math.floor((hash / 4294967296) * (2 * window + 1)) - window;
}

/** 32-bit integer finaliser (murmur3 fmix32): a small input change flips about half the bits. */
function mix(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
