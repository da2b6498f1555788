/**
 * How the hub answers a flood: each address holds a bucket of `burst` tokens that refills at `perSecond`; an
 * upload or an answer takes one, and an empty bucket means 429 at once (before the body is read), so that a
 * runaway script costs the hub a header, not a parse. Thirty students each have their own bucket; a class behind
 * one address shares one, which is why the burst is larger than a class.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes `cost` tokens (1: a request; bytes, for a bucket of bytes) if the address has them. */
  take(key: string, cost = 1): boolean {
    const t = this.now();
    // Forget buckets that have refilled (their address has been quiet long enough) before adding a new one, so that
    // the map does not grow with every address ever seen.
    if (this.buckets.size >= 10_000 && !this.buckets.has(key)) {
      for (const [k, v] of this.buckets) if (v.tokens + ((t - v.at) / 1000) * this.perSecond >= this.burst) this.buckets.delete(k);
    }
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: t };
    b.tokens = Math.min(this.burst, b.tokens + ((t - b.at) / 1000) * this.perSecond);
    b.at = t;
    this.buckets.set(key, b);
    if (b.tokens < cost) return false;
    b.tokens -= cost;
    return true;
  }
}
