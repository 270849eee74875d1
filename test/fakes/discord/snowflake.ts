/**
 * Snowflake-shaped ids, built the way Discord builds them: milliseconds since the Discord epoch
 * (2015-01-01) in the top 42 bits, then worker/process ids and a 12-bit increment. discord.js
 * derives `createdTimestamp` from the id, so ids must decode to "now" rather than be small counters.
 */
const DISCORD_EPOCH = 1420070400000n;

export class SnowflakeGenerator {
  private lastMs = 0n;
  private increment = 0n;

  next(): string {
    let ms = BigInt(Date.now()) - DISCORD_EPOCH;
    if (ms <= this.lastMs) {
      // Same (or an earlier, if the clock stepped back) millisecond: stay monotonic so ids sort by creation.
      ms = this.lastMs;
      this.increment += 1n;
      if (this.increment > 0xfffn) {
        ms += 1n;
        this.increment = 0n;
      }
    } else {
      this.increment = 0n;
    }
    this.lastMs = ms;
    return ((ms << 22n) | (1n << 17n) | (1n << 12n) | this.increment).toString();
  }
}
