/**
 * The replay timeline (shared/src/kit/timeline.ts), pure: wherever it seeks — from whichever
 * snapshot, forward or back — it gives exactly the state and the digest a straight re-run up to that
 * point gives, for a tick mode (race) and an event mode (dice).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Rng } from "@arena/shared/kit/random";
import { ReplayMismatch, advanceTo, replayMatch, runToEnd, type LoggedInput, type MatchSetup, type ModeRules, type RulesInput, type Time } from "@arena/shared/kit/rules";
import { MatchTimeline, type TimelineObserver } from "@arena/shared/kit/timeline";
import { diceRules, type DiceMatch, type DiceSettings } from "@arena/shared/modes/dice/rules";
import { raceRules, type RaceMatch, type RaceSettings } from "@arena/shared/modes/race/rules";
import { isRacing } from "@arena/shared/modes/race/simulation";

const human = (seat: number) => ({ seat, playerId: `00000000-0000-4000-8000-00000000000${seat}`, name: `player ${seat}` });

type AnyRules = ModeRules<unknown, unknown, Record<string, unknown>, unknown>;

/** Plays a match with `inputs` chosen at each step (kept when the rules accept them), as a room would log it. */
function play(rules: AnyRules, setup: MatchSetup<unknown>, inputs: (state: unknown, rng: Rng) => Array<RulesInput<Record<string, unknown>>>, eventStepMs = 200) {
  const clock = rules.clock(setup.settings);
  const rng = new Rng(setup.seed);
  const log: Array<LoggedInput<Record<string, unknown>>> = [];
  let state = rules.create(setup);
  for (let steps = 0; steps < 100_000 && !rules.isOver(state); steps++) {
    const at: Time = rules.now(state);
    for (const input of inputs(state, rng)) {
      const step = rules.apply(state, input, at);
      if (step.refused) continue;
      state = step.state;
      if (step.logged !== false) log.push([at, input]);
    }
    const next = clock.kind === "tick" ? at + 1 : Math.min(rules.nextDeadline(state) ?? Number.POSITIVE_INFINITY, at + eventStepMs);
    state = advanceTo(rules, clock, state, next);
  }
  assert.ok(rules.isOver(state));
  return { log, final: state };
}

const race = (() => {
  const setup: MatchSetup<RaceSettings> = { seed: 41, settings: { trackLength: 150, lanes: 3, maxPlayers: 3, tickRateHz: 20, countdownMs: 500 }, players: [0, 1, 2].map(human) };
  const played = play(raceRules as unknown as AnyRules, setup, (state, rng) => {
    const match = state as RaceMatch;
    const out: Array<RulesInput<Record<string, unknown>>> = [];
    for (const { seat } of setup.players) {
      const racer = match.sim.racers.find((r) => r.slot === seat);
      if (racer && isRacing(racer) && rng.float() < 0.3) out.push({ type: "input", seat, payload: { throttle: 0.5 + rng.float() / 2, steer: rng.pick([-1, 0, 0, 1] as const), boost: rng.float() < 0.05 } });
    }
    // seat 2 gives up half way
    if (match.tick === 300) out.push({ type: "leave", seat: 2 });
    return out;
  });
  return { name: "race (ticks)", rules: raceRules as unknown as AnyRules, setup: setup as MatchSetup<unknown>, ...played };
})();

const dice = (() => {
  const setup: MatchSetup<DiceSettings> = { seed: 5, settings: { maxPlayers: 4, dice: 3, turnMs: 1000, revealMs: 400, botThinkMs: 300 }, players: [0, 1].map(human) };
  const played = play(diceRules as unknown as AnyRules, setup, (state, rng) => {
    const match = state as DiceMatch;
    const seat = match.turn;
    if (match.phase !== "bidding" || seat > 1 || rng.float() < 0.4) return [];
    if (match.bid && rng.float() < 0.4) return [{ type: "liar", seat, payload: {} }];
    const quantity = match.bid ? match.bid.quantity + 1 : 1;
    return [{ type: "bid", seat, payload: { quantity, face: 1 + Math.floor(rng.float() * 6) } }];
  });
  return { name: "dice (events)", rules: diceRules as unknown as AnyRules, setup: setup as MatchSetup<unknown>, ...played };
})();

/** Counts the events by type and keeps the last one: what a digest must carry across snapshots. */
const counting: TimelineObserver<unknown, { type: string }, { counts: Record<string, number>; last: string | null }> = {
  start: () => ({ counts: {}, last: null }),
  step(digest, events) {
    for (const event of events) digest.counts[event.type] = (digest.counts[event.type] ?? 0) + 1;
    digest.last = events.at(-1)?.type ?? digest.last;
  },
};

/** The digest of a straight run from the start to `to`. */
function straightDigest(match: typeof race, to: Time) {
  const timeline = new MatchTimeline(match.rules, match.setup, match.log, { snapshotEveryMs: Number.MAX_SAFE_INTEGER, observer: counting as TimelineObserver<unknown, unknown, ReturnType<typeof counting.start>> });
  return timeline.seek(to).digest;
}

for (const match of [race, dice]) {
  describe(`replay timeline: ${match.name}`, () => {
    const { rules, setup, log } = match;
    const timeline = new MatchTimeline(rules, setup, log, { snapshotEveryMs: 2_000, observer: counting as TimelineObserver<unknown, unknown, ReturnType<typeof counting.start>> });
    const every = timeline.fromMs(2_000);

    it("ends where the match ends, with the stored outcome, keeping a snapshot every interval", () => {
      assert.ok(log.length > 10, `a log to replay (${log.length} inputs)`);
      const end = timeline.seek(Number.POSITIVE_INFINITY);
      assert.equal(end.time, timeline.end);
      assert.ok(end.over);
      assert.equal(rules.now(end.state), timeline.end, "over at the end, not later");
      assert.deepEqual(rules.outcome(end.state), rules.outcome(match.final));
      assert.deepEqual(rules.outcome(end.state), rules.outcome(replayMatch(rules, setup, log)));
      assert.equal(timeline.snapshotCount, 1 + Math.ceil(timeline.end / every), "one at the start, one every interval, one at the end");
      assert.ok(timeline.seek(timeline.end - 1).over === false, "not over just before its end");
    });

    it("gives at any point exactly the state a straight re-run gives there", () => {
      const rng = new Rng(3);
      const points = [0, 1, every - 1, every, every + 1, 3 * every, timeline.end - 1, timeline.end, ...log.slice(0, 40).map(([at]) => at)];
      for (let i = 0; i < 30; i++) points.push(rng.float() * timeline.end);
      for (const raw of points) {
        const at = timeline.clock.kind === "tick" ? Math.floor(raw) : raw;
        const sought = timeline.seek(at);
        assert.equal(sought.time, at);
        assert.deepEqual(sought.state, replayMatch(rules, setup, log, at), `state at ${at}`);
      }
    });

    it("carries the digest through the snapshots: the same as following the match from its start", () => {
      for (const at of [0, every + 1, 2.5 * every, timeline.end / 2, timeline.end]) {
        const point = timeline.clock.kind === "tick" ? Math.floor(at) : at;
        assert.deepEqual(timeline.seek(point).digest, straightDigest(match, point), `digest at ${point}`);
      }
    });

    it("plays forward from a seek as a seek to the later point would, backwards seeks included", () => {
      const late = Math.floor(timeline.end * 0.8);
      const early = Math.floor(timeline.end * 0.3);
      const cursor = timeline.seek(late);
      cursor.forward(late + every / 2);
      // back, then forward across several snapshots, in uneven steps
      const back = timeline.seek(early);
      for (let to = early; to < late; to += Math.max(1, Math.floor(every / 3))) back.forward(to);
      back.forward(late + every / 2);
      assert.deepEqual(back.state, cursor.state);
      assert.deepEqual(back.digest, cursor.digest);
      assert.deepEqual(back.state, timeline.seek(late + every / 2).state);
      back.forward(timeline.end + 10_000);
      assert.equal(back.time, timeline.end, "no further than the end");
    });

    it("hands out copies: what a cursor does to its state never reaches the snapshots", () => {
      const at = every + 1;
      const reference = structuredClone(timeline.seek(at).state);
      const cursor = timeline.seek(at);
      cursor.forward(timeline.end);
      assert.deepEqual(timeline.seek(at).state, reference);
    });
  });
}

describe("replay timeline: a log that is not the match's", () => {
  it("throws ReplayMismatch when the rules refuse a logged input", () => {
    // seat 0 is held by a human: nobody else can take it
    const foreign: Array<LoggedInput<Record<string, unknown>>> = [[5, { type: "join", seat: 0, playerId: "00000000-0000-4000-8000-000000000099", name: "late" }]];
    assert.throws(() => new MatchTimeline(dice.rules, dice.setup, foreign, { snapshotEveryMs: 1000 }), ReplayMismatch);
  });

  it("runs a match without inputs to the end its rules give it", () => {
    const timeline = new MatchTimeline(dice.rules, dice.setup, [], { snapshotEveryMs: 5000 });
    const idle = runToEnd(dice.rules, dice.rules.clock(dice.setup.settings), dice.rules.create(dice.setup));
    assert.deepEqual(timeline.seek(timeline.end).state, idle);
  });
});
