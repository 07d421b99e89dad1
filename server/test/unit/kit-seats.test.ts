import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ARRIVAL_GRACE_MS, Seats, type Timers } from "../../src/kit/seats.js";
import type { LobbyPolicy } from "../../src/kit/server-mode.js";

/** A clock the test moves by hand; timers fire when it passes them. */
class ManualTimers implements Timers {
  time = 0;
  private pending: Array<{ at: number; callback: () => void; live: boolean }> = [];
  now() {
    return this.time;
  }
  setTimeout(callback: () => void, ms: number) {
    const timer = { at: this.time + ms, callback, live: true };
    this.pending.push(timer);
    return { clear: () => void (timer.live = false) };
  }
  advance(ms: number) {
    this.time += ms;
    for (const timer of this.pending.filter((t) => t.live && t.at <= this.time)) {
      timer.live = false;
      timer.callback();
    }
  }
}

function seats(policy: Partial<LobbyPolicy> = {}) {
  const timers = new ManualTimers();
  let started = 0;
  const lobby = new Seats({ seats: 3, minPlayers: 2, waitMs: 1000, bots: false, ...policy }, timers, () => started++);
  return { lobby, timers, started: () => started };
}

describe("seats and lobby", () => {
  it("a queue's group starts at once when it is all in (startAt), leaving the free seats to bots", () => {
    const { lobby, started } = seats({ seats: 6, minPlayers: 1, waitMs: 30_000, bots: true, startAt: 2 });
    lobby.take("s1", "p1", "ada");
    assert.equal(started(), 0, "half the group is no group");
    lobby.take("s2", "p2", "bob");
    assert.equal(started(), 1, "the second of two starts it, 30 s early");
  });

  it("waits for the minimum, then for more players, and starts when the wait is over", () => {
    const { lobby, timers, started } = seats();
    assert.equal(lobby.take("s1", "p1", "ada").ok, true);
    assert.equal(lobby.view().phase, "waiting");
    timers.advance(5000);
    assert.equal(started(), 0, "one player never starts a match of two");
    lobby.take("s2", "p2", "bob");
    assert.equal(lobby.view().phase, "starting");
    timers.advance(400);
    assert.equal(lobby.view().startsInMs, 600);
    timers.advance(600);
    assert.equal(started(), 1);
    assert.equal(lobby.phase, "running");
  });

  it("starts at once when every seat is taken, and stops the wait when players leave below the minimum", () => {
    const { lobby, timers, started } = seats();
    lobby.take("s1", "p1", "ada");
    lobby.take("s2", "p2", "bob");
    lobby.leave("s2");
    assert.equal(lobby.view().phase, "waiting");
    timers.advance(2000);
    assert.equal(started(), 0);
    lobby.take("s2", "p2", "bob");
    lobby.take("s3", "p3", "cy");
    assert.equal(started(), 1, "full: no wait");
    assert.deepEqual(lobby.seated().map((p) => p.seat), [0, 1, 2]);
  });

  it("refuses a second seat for the same player, and a seat once the match runs without bots", () => {
    const { lobby } = seats({ seats: 2 });
    lobby.take("s1", "p1", "ada");
    assert.deepEqual(lobby.take("s9", "p1", "ada again"), { ok: false, reason: "this player already holds a seat in this room" });
    lobby.take("s2", "p2", "bob");
    assert.equal(lobby.phase, "running");
    assert.equal(lobby.take("s3", "p3", "cy").ok, false);
  });

  it("gives a dropped player's seat back to the same player joining again, under the new session", () => {
    const { lobby } = seats();
    lobby.take("s1", "p1", "ada");
    lobby.setConnected("s1", false);
    const again = lobby.take("s7", "p1", "ada");
    assert.deepEqual(again, { ok: true, seat: 0, duringMatch: false, replaced: "s1" });
    assert.equal(lobby.human("s1"), undefined);
    assert.equal(lobby.human("s7")?.connected, true);
    assert.equal(lobby.leave("s1"), undefined, "the old session's leave frees nothing");
    assert.equal(lobby.sessionOf("p1"), "s7");
  });

  it("lets a human take a bot's seat during the match, chosen by the mode with the player's own options", () => {
    const chosen: unknown[] = [];
    const { lobby, timers } = seats({
      seats: 4,
      minPlayers: 1,
      bots: true,
      chooseSeat: (free, _taken, options) => {
        chosen.push(options);
        return free[free.length - 1] ?? null;
      },
    });
    lobby.take("s1", "p1", "ada", { faction: "red" });
    timers.advance(1000);
    assert.equal(lobby.phase, "running");
    const late = lobby.take("s2", "p2", "bob", { faction: "blue" });
    assert.deepEqual(late, { ok: true, seat: 2, duringMatch: true });
    assert.deepEqual(chosen, [{ faction: "red" }, { faction: "blue" }]);
    lobby.close();
    assert.equal(lobby.take("s3", "p3", "cy").ok, false);
  });

  describe("players matchmaking seated who are still on their way", () => {
    /** A lobby of 3 seats (2 to start, a 1 s wait) with `pending` players reserved and not joined yet. */
    function withArrivals(policy: Partial<LobbyPolicy> = {}) {
      const timers = new ManualTimers();
      const calls: string[] = [];
      const arriving = { count: 0 };
      let started = 0;
      const lobby = new Seats({ seats: 3, minPlayers: 2, waitMs: 1000, bots: false, ...policy }, timers, () => started++, {
        pending: () => arriving.count,
        hold: () => calls.push("hold"),
        release: () => calls.push("release"),
      });
      return { lobby, timers, calls, arriving, started: () => started };
    }

    it("holds the start for them, closed to matchmaking, and starts as soon as they are in", () => {
      const { lobby, timers, calls, arriving, started } = withArrivals();
      lobby.take("s1", "p1", "ada");
      lobby.take("s2", "p2", "bob");
      arriving.count = 1;
      timers.advance(1000);
      assert.equal(started(), 0, "the wait is over, a reserved player is on the way");
      assert.deepEqual(calls, ["hold"]);
      assert.equal(lobby.view().phase, "starting");
      assert.equal(lobby.view().startsInMs, ARRIVAL_GRACE_MS);
      timers.advance(200);
      arriving.count = 0;
      assert.deepEqual(lobby.take("s3", "p3", "cy"), { ok: true, seat: 2, duringMatch: false });
      assert.equal(started(), 1);
      assert.equal(lobby.phase, "running");
      timers.advance(ARRIVAL_GRACE_MS);
      assert.equal(started(), 1, "the grace's timer does not start it twice");
    });

    it("starts without them once the grace is over", () => {
      const { lobby, timers, arriving, started } = withArrivals();
      lobby.take("s1", "p1", "ada");
      lobby.take("s2", "p2", "bob");
      arriving.count = 1;
      timers.advance(1000);
      timers.advance(ARRIVAL_GRACE_MS - 1);
      assert.equal(started(), 0);
      timers.advance(1);
      assert.equal(started(), 1, "a reservation nobody uses delays the start by the grace, no more");
      assert.equal(lobby.take("s3", "p3", "cy").ok, false, "and its player comes too late");
    });

    it("calls the wait off when players leave below the minimum, and waits afresh", () => {
      const { lobby, timers, calls, arriving, started } = withArrivals();
      lobby.take("s1", "p1", "ada");
      lobby.take("s2", "p2", "bob");
      arriving.count = 1;
      timers.advance(1000);
      lobby.leave("s2");
      assert.deepEqual(calls, ["hold", "release"]);
      assert.equal(lobby.view().phase, "waiting");
      timers.advance(ARRIVAL_GRACE_MS);
      assert.equal(started(), 0, "one player is no match");
      arriving.count = 0;
      lobby.take("s3", "p3", "cy");
      timers.advance(999);
      assert.equal(started(), 0, "a new wait of its own");
      timers.advance(1);
      assert.equal(started(), 1);
    });

    it("does not hold a match with bots, which takes players while it runs", () => {
      const { lobby, timers, calls, arriving, started } = withArrivals({ bots: true });
      lobby.take("s1", "p1", "ada");
      lobby.take("s2", "p2", "bob");
      arriving.count = 1;
      timers.advance(1000);
      assert.equal(started(), 1);
      assert.deepEqual(calls, []);
    });
  });
});
