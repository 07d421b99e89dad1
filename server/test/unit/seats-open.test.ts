import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Seats, type Timers } from "../../src/kit/seats.js";

/** Timers that never fire on their own: the test starts the match by filling the lobby. */
const timers: Timers = { setTimeout: () => ({ clear() {} }), now: () => 0 };

describe("seats open to a new player while the match runs", () => {
  function running(): Seats {
    let started = false;
    const seats = new Seats({ seats: 4, minPlayers: 1, waitMs: 0, bots: true }, timers, () => (started = true));
    assert.ok(seats.take("s-a", "a", "ada").ok);
    assert.ok(started && seats.phase === "running");
    return seats;
  }

  it("a late player takes only a seat the mode names open", () => {
    const seats = running();
    const taken = seats.take("s-b", "b", "bob", undefined, [2, 3]);
    assert.deepEqual(taken, { ok: true, seat: 2, duringMatch: true });
    assert.deepEqual(seats.take("s-c", "c", "cyd", undefined, [3]), { ok: true, seat: 3, duringMatch: true });
  });

  it("with no open seat the join is refused and nothing changes", () => {
    const seats = running();
    const refused = seats.take("s-b", "b", "bob", undefined, []);
    assert.equal(refused.ok, false);
    assert.equal(seats.count, 1);
    assert.equal(seats.human("s-b"), undefined);
  });

  it("a player coming back to a held seat takes it whatever is open", () => {
    const seats = running();
    seats.setConnected("s-a", false);
    const back = seats.take("s-a2", "a", "ada", undefined, []);
    assert.deepEqual(back, { ok: true, seat: 0, duringMatch: false, replaced: "s-a" });
  });

  it("in the lobby every free seat is open", () => {
    const seats = new Seats({ seats: 3, minPlayers: 3, waitMs: 1000, bots: true }, timers, () => {});
    assert.deepEqual(seats.take("s-a", "a", "ada", undefined, []), { ok: true, seat: 0, duringMatch: false });
  });
});
