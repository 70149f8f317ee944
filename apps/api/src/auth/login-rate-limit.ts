/**
 * Login attempts per source address in a sliding minute, in this process. Several API replicas each
 * count their own share; the per-account lockout (in the database) is the limit that holds across them.
 */
export class LoginRateLimit {
  private readonly attempts = new Map<string, number[]>();

  constructor(private readonly perMinute: number) {}

  /** Records an attempt at `now`; false when the address has used up its minute. */
  allow(address: string, now: number): boolean {
    const recent = (this.attempts.get(address) ?? []).filter((t) => now - t < 60_000);
    if (recent.length >= this.perMinute) {
      this.attempts.set(address, recent);
      return false;
    }
    recent.push(now);
    this.attempts.set(address, recent);
    if (this.attempts.size > 10_000) this.forgetIdle(now);
    return true;
  }

  private forgetIdle(now: number): void {
    for (const [address, times] of this.attempts) if (times.every((t) => now - t >= 60_000)) this.attempts.delete(address);
  }
}
