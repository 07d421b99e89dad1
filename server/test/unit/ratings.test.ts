import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  INITIAL_RATING,
  SEASON_SIGMA_WIDENING,
  ordinalOf,
  rateMatch,
  ratedPlayers,
  seasonSeed,
  type RatedStanding,
  type RatingChange,
  type SkillRating,
} from "../../src/ratings/ratings.js";

const human = (playerId: string, placement: number, extra: Partial<RatedStanding> = {}): RatedStanding => ({
  playerId,
  isBot: false,
  placement,
  leftEarly: false,
  ...extra,
});
const fresh = (): SkillRating => ({ ...INITIAL_RATING });
const completed = (standings: RatedStanding[]) => ({ status: "completed", standings });
const afterOf = (changes: RatingChange[]) => Object.fromEntries(changes.map((c) => [c.playerId, c.after]));

describe("skill ratings (pure)", () => {
  it("rates a free-for-all by placement: first gains most, last loses, everyone grows more certain", () => {
    const after = afterOf(rateMatch(completed([human("a", 1), human("b", 2), human("c", 3)]), fresh));
    assert.ok(after.a!.mu > after.b!.mu && after.b!.mu > after.c!.mu, JSON.stringify(after));
    assert.ok(after.a!.mu > INITIAL_RATING.mu && after.c!.mu < INITIAL_RATING.mu);
    for (const r of Object.values(after)) assert.ok(r.sigma < INITIAL_RATING.sigma);
    assert.ok(ordinalOf(after.a!) > ordinalOf(after.c!));
  });

  it("gives tied players the same change", () => {
    const after = afterOf(rateMatch(completed([human("a", 1), human("b", 1), human("c", 3)]), fresh));
    assert.deepEqual(after.a, after.b);
    assert.ok(after.c!.mu < after.a!.mu);
  });

  it("rates teams by their placement: teammates win and lose together", () => {
    const changes = rateMatch(
      completed([human("r1", 1, { team: "red" }), human("r2", 1, { team: "red" }), human("b1", 2, { team: "blue" }), human("b2", 2, { team: "blue" })]),
      fresh,
    );
    const after = afterOf(changes);
    assert.deepEqual(after.r1, after.r2, "equal teammates move alike");
    assert.deepEqual(after.b1, after.b2);
    assert.ok(after.r1!.mu > INITIAL_RATING.mu && after.b1!.mu < INITIAL_RATING.mu);
    assert.deepEqual(changes.map((c) => [c.playerId, c.team]).sort(), [["b1", "blue"], ["b2", "blue"], ["r1", "red"], ["r2", "red"]]);
  });

  it("moves a stronger teammate less than a new one on the same winning team", () => {
    const ratings: Record<string, SkillRating> = { vet: { mu: 30, sigma: 2 }, rookie: fresh(), x: fresh(), y: fresh() };
    const after = afterOf(
      rateMatch(completed([human("vet", 1, { team: "red" }), human("rookie", 1, { team: "red" }), human("x", 2, { team: "blue" }), human("y", 2, { team: "blue" })]), (id) => ratings[id]!),
    );
    assert.ok(after.rookie!.mu - INITIAL_RATING.mu > after.vet!.mu - 30, "the uncertain player learns more from the same result");
  });

  it("leaves bots unrated and out of the field: the humans' relative order is all that counts", () => {
    const withBots = rateMatch(completed([human("bot1", 1, { isBot: true }), human("a", 2), human("bot2", 3, { isBot: true }), human("b", 4)]), fresh);
    const without = rateMatch(completed([human("a", 1), human("b", 2)]), fresh);
    assert.deepEqual(withBots.map((c) => c.playerId).sort(), ["a", "b"]);
    assert.deepEqual(afterOf(withBots), afterOf(without));
  });

  it("changes nothing for one human among bots, a war of one human faction, or an aborted match", () => {
    assert.deepEqual(rateMatch(completed([human("a", 1), human("bot", 2, { isBot: true })]), fresh), []);
    assert.deepEqual(rateMatch(completed([human("a", 1, { team: "red" }), human("b", 1, { team: "red" }), human("bot", 2, { isBot: true, team: "blue" })]), fresh), []);
    assert.deepEqual(rateMatch({ status: "aborted", standings: [human("a", 1), human("b", 2)] }, fresh), []);
    assert.deepEqual(ratedPlayers({ status: "aborted", standings: [human("a", 1), human("b", 2)] }), []);
  });

  it("counts a human who left early as last, whatever placement the mode gave them", () => {
    const after = afterOf(rateMatch(completed([human("leaver", 1, { leftEarly: true }), human("a", 2), human("b", 3)]), fresh));
    const plain = afterOf(rateMatch(completed([human("a", 1), human("b", 2), human("leaver", 3)]), fresh));
    assert.deepEqual(after, plain);
    assert.ok(after.leaver!.mu < INITIAL_RATING.mu);
  });

  it("takes a leaver out of their team and places them last on their own", () => {
    const changes = rateMatch(
      completed([human("r1", 1, { team: "red" }), human("r2", 1, { team: "red", leftEarly: true }), human("b1", 2, { team: "blue" })]),
      fresh,
    );
    const after = afterOf(changes);
    assert.ok(after.r2!.mu < after.b1!.mu, "below the losing team");
    assert.ok(after.r1!.mu > INITIAL_RATING.mu);
    assert.equal(changes.find((c) => c.playerId === "r2")!.team, "red", "the change still names the player's team");
  });

  it("does not depend on the order of the standings, and is the same on every run", () => {
    const ratings: Record<string, SkillRating> = { a: { mu: 28, sigma: 5 }, b: { mu: 22, sigma: 7 }, c: fresh(), d: { mu: 31, sigma: 3 } };
    const standings = [human("a", 2), human("b", 1), human("c", 4), human("d", 3)];
    const once = afterOf(rateMatch(completed(standings), (id) => ratings[id]!));
    const reversed = afterOf(rateMatch(completed([...standings].reverse()), (id) => ratings[id]!));
    assert.deepEqual(reversed, once);
    assert.deepEqual(afterOf(rateMatch(completed(standings), (id) => ratings[id]!)), once);
  });

  it("reports the ratings it started from", () => {
    const ratings: Record<string, SkillRating> = { a: { mu: 28, sigma: 5 }, b: { mu: 22, sigma: 7 } };
    const changes = rateMatch(completed([human("a", 1), human("b", 2)]), (id) => ratings[id]!);
    assert.deepEqual(Object.fromEntries(changes.map((c) => [c.playerId, c.before])), ratings);
  });

  it("seeds a season from the last one: the same mu, sigma widened in quadrature, never past a newcomer's", () => {
    assert.deepEqual(seasonSeed(undefined), INITIAL_RATING);
    const settled = { mu: 31, sigma: 2 };
    const seed = seasonSeed(settled);
    assert.equal(seed.mu, 31);
    assert.equal(seed.sigma, Math.hypot(2, SEASON_SIGMA_WIDENING));
    assert.ok(ordinalOf(seed) < ordinalOf(settled), "the new season's board starts lower");
    assert.equal(seasonSeed({ mu: 20, sigma: 8 }).sigma, INITIAL_RATING.sigma, "capped at the initial uncertainty");
    assert.equal(ordinalOf(INITIAL_RATING), 0);
  });
});
