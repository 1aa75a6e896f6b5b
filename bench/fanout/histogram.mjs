// Latency histogram shared by the load workers and the bench: 0.1 ms bins up to 60 s, so millions of
// samples cost a fixed 2.4 MB and workers merge by adding counts (sent as [bin, count] pairs).
const BIN_MS = 0.1;
const BINS = 600_000;

export class Histogram {
  constructor() {
    this.counts = new Uint32Array(BINS);
    this.n = 0;
  }

  /** A negative latency (cannot happen on one clock, but never index out of range) counts as 0. */
  add(ms) {
    this.counts[Math.max(0, Math.min(BINS - 1, Math.floor(ms / BIN_MS)))]++;
    this.n++;
  }

  toPairs() {
    const pairs = [];
    for (let i = 0; i < BINS; i++) if (this.counts[i]) pairs.push([i, this.counts[i]]);
    return pairs;
  }

  addPairs(pairs) {
    for (const [bin, count] of pairs) {
      this.counts[bin] += count;
      this.n += count;
    }
  }

  /** Upper edge of the bin holding the p-th percentile, in ms. */
  percentile(p) {
    const rank = Math.min(this.n, Math.max(1, Math.ceil((p / 100) * this.n)));
    let seen = 0;
    for (let i = 0; i < BINS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return (i + 1) * BIN_MS;
    }
    return NaN;
  }

  summary() {
    return { n: this.n, p50: this.percentile(50), p99: this.percentile(99), max: this.percentile(100) };
  }
}
