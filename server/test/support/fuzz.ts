import { Rng } from "@arena/shared/kit/random";

/** Seeded generators of hostile input: wrong types, wrong shapes, out-of-range and oversized values. */
export class Fuzzer {
  readonly rng: Rng;

  constructor(readonly seed: number) {
    this.rng = new Rng(seed);
  }

  private chance(p: number): boolean {
    return this.rng.float() < p;
  }

  number(): number {
    return this.rng.pick([
      0, -1, 1, 0.5, 2, -0.0001, 255, 256, 65536, -65536, 2 ** 31, 2 ** 32, 2 ** 53, -(2 ** 53), Number.MAX_VALUE,
      Number.MIN_VALUE, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-300,
      Math.floor(this.rng.float() * 20) - 5, this.rng.float() * 1e6 - 5e5,
    ]);
  }

  string(maxLength = 64): string {
    const kinds = [
      () => "",
      () => "x".repeat(this.rng.int(1, maxLength)),
      () => "\u0000\u0001\u202e\ud83d\ude00",
      () => "__proto__",
      () => "constructor",
      () => "' OR 1=1 --",
      () => "<script>alert(1)</script>",
      () => String(this.number()),
    ];
    return this.rng.pick(kinds)();
  }

  value(depth = 0): unknown {
    const kinds: Array<() => unknown> = [
      () => this.number(),
      () => this.string(),
      () => this.chance(0.5),
      () => null,
      () => undefined,
      () => (depth > 3 ? [] : Array.from({ length: this.rng.int(0, 6) }, () => this.value(depth + 1))),
      () => (depth > 3 ? {} : this.object(depth + 1)),
    ];
    return this.rng.pick(kinds)();
  }

  object(depth = 0, keys: readonly string[] = []): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const count = this.rng.int(0, 5);
    for (let i = 0; i < count; i++) {
      const key = keys.length > 0 && this.chance(0.7) ? this.rng.pick(keys) : this.string(12);
      out[key] = this.value(depth + 1);
    }
    return out;
  }

  /** A payload that looks like `shape` (same keys) with each value kept, dropped or replaced by junk. */
  mutate(shape: Record<string, unknown>): unknown {
    if (this.chance(0.1)) return this.value();
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(shape)) {
      if (this.chance(0.15)) continue;
      out[key] = this.chance(0.5) ? value : this.value(2);
    }
    if (this.chance(0.2)) out[this.string(8)] = this.value(2);
    return out;
  }

  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = this.rng.int(0, 255);
    return out;
  }
}
