import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { KeyedBuckets, TokenBucket } from "../../src/lib/token-bucket.js";

describe("token bucket", () => {
  it("allows a burst of `capacity`, then the refill rate", () => {
    const bucket = new TokenBucket(4, 2, 0);
    assert.deepEqual([0, 0, 0, 0, 0].map(() => bucket.take(0)), [true, true, true, true, false]);
    assert.equal(bucket.waitMs(0), 500);
    assert.equal(bucket.take(499), false);
    assert.equal(bucket.take(500), true);
    // a long pause refills to capacity, never beyond
    assert.equal(bucket.isFull(60_000), true);
    assert.deepEqual([0, 0, 0, 0, 0].map(() => bucket.take(60_000)), [true, true, true, true, false]);
  });

  it("keeps buckets per key and forgets quiet keys", () => {
    const buckets = new KeyedBuckets(1, 1, 3);
    assert.equal(buckets.take("a", 0).allowed, true);
    assert.deepEqual(buckets.take("a", 0), { allowed: false, retryAfterMs: 1000 });
    assert.equal(buckets.take("b", 0).allowed, true, "one key's limit does not touch another's");
    buckets.take("c", 0);
    // a fourth key at the bound sweeps the refilled ones first
    buckets.take("d", 5_000);
    assert.ok(buckets.size <= 3);
  });
});
