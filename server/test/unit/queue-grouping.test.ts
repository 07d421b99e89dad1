import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bandAt, formGroups, packTeams, partyRating, type BandPolicy, type GroupShape, type QueueEntry } from "../../src/queue/grouping.js";

const policy: BandPolicy = { base: 2, perSecond: 1, max: 30, fillAfterMs: 20_000 };
const fourFree: GroupShape = { seats: 4, teams: 1, minHumans: 2 };
const warOfSix: GroupShape = { seats: 6, teams: 2, minHumans: 1 };

const entry = (id: string, rating: number, queuedAt = 0, size = 1): QueueEntry => ({ id, rating, size, queuedAt });
const ids = (groups: ReturnType<typeof formGroups>) => groups.map((g) => g.members.map((m) => m.id).sort());

/** A fake clock: the queue is asked at these times, entries leave once grouped. */
function runQueue(entries: QueueEntry[], shape: GroupShape, times: number[]) {
  let waiting = [...entries];
  const formed: Array<{ at: number; ids: string[]; full: boolean; spread: number }> = [];
  for (const now of times) {
    const present = waiting.filter((e) => e.queuedAt <= now);
    for (const group of formGroups(present, shape, policy, now)) {
      formed.push({ at: now, ids: group.members.map((m) => m.id).sort(), full: group.full, spread: group.spread });
      waiting = waiting.filter((e) => !group.members.some((m) => m.id === e.id));
    }
  }
  return { formed, waiting };
}

describe("queue grouping (pure, fake clock)", () => {
  it("the band starts at its base, widens by the second and stops at its maximum", () => {
    assert.equal(bandAt(0, policy), 2);
    assert.equal(bandAt(5_000, policy), 7);
    assert.equal(bandAt(60_000, policy), 30);
    assert.equal(bandAt(-10, policy), 2, "a clock read before the entry counts as no wait");
  });

  it("groups players of close ratings at once and keeps far ones apart", () => {
    const entries = [entry("a", 10), entry("b", 11), entry("c", 10.5), entry("d", 11.5), entry("x", 25), entry("y", 26), entry("z", 25.5), entry("w", 40)];
    const groups = formGroups(entries, fourFree, policy, 0);
    assert.deepEqual(ids(groups), [["a", "b", "c", "d"]]);
    assert.equal(groups[0]!.full, true);
    assert.equal(groups[0]!.spread, 1.5);
  });

  it("widens the band as the anchor waits: far players meet later, not at once", () => {
    // two pairs 8 apart: within the band only after 6 s of waiting (2 + 6)
    const entries = [entry("a", 10), entry("b", 10.5), entry("c", 17.5), entry("d", 18)];
    const { formed } = runQueue(entries, fourFree, [0, 1_000, 2_000, 3_000, 4_000, 5_000, 6_000, 7_000]);
    assert.equal(formed.length, 1);
    assert.equal(formed[0]!.at, 6_000, "grouped the moment the band reached the spread of 8");
    assert.deepEqual(formed[0]!.ids, ["a", "b", "c", "d"]);
  });

  it("a newcomer joins the group of a long waiter whose band has widened", () => {
    const entries = [entry("old", 0, 0), entry("b", 1, 0), entry("c", 0.5, 0), entry("late", 9, 9_000)];
    const { formed } = runQueue(entries, fourFree, [0, 5_000, 9_000]);
    assert.deepEqual(formed, [{ at: 9_000, ids: ["b", "c", "late", "old"], full: true, spread: 9 }]);
  });

  it("the longest waiter anchors first and takes the nearest ratings", () => {
    const entries = [entry("anchor", 20, 0), ...[19, 21, 22, 18, 23, 17].map((r, i) => entry(`p${r}`, r, 1_000 + i))];
    const groups = formGroups(entries, fourFree, policy, 10_000);
    assert.equal(groups.length, 1, "the other three wait for a fourth");
    // 19 and 21 are 1 away; of 18 and 22 (2 away) the lower one comes first
    assert.deepEqual(ids(groups), [["anchor", "p18", "p19", "p21"]]);
    assert.equal(groups[0]!.spread, 3);
  });

  it("a group that waits too long goes short: with the mode's fewest humans, not fewer", () => {
    const entries = [entry("a", 0), entry("b", 1)];
    assert.deepEqual(runQueue(entries, fourFree, [0, 19_999]).formed, [], "not before fillAfterMs");
    const { formed } = runQueue(entries, fourFree, [20_000]);
    assert.deepEqual(formed, [{ at: 20_000, ids: ["a", "b"], full: false, spread: 1 }]);
    const alone = runQueue([entry("solo", 0)], fourFree, [60_000]);
    assert.deepEqual(alone.formed, [], "a race needs two humans: one waits on");
    const withBots = runQueue([entry("solo", 0)], warOfSix, [19_000, 20_000]);
    assert.deepEqual(withBots.formed, [{ at: 20_000, ids: ["solo"], full: false, spread: 0 }], "bots fill the rest of a war");
  });

  it("a party is never split and counts as its size", () => {
    const party = entry("party", 10, 0, 3);
    const entries = [party, entry("a", 10), entry("b", 10.2), entry("c", 9.9)];
    const groups = formGroups(entries, fourFree, policy, 0);
    assert.equal(groups.length, 1);
    assert.equal(groups[0]!.players, 4);
    assert.ok(groups[0]!.members.some((m) => m.id === "party"));
    assert.equal(groups[0]!.members.length, 2, "the party and the nearest solo player");
  });

  it("with teams a party lands in one team, and the teams are filled evenly", () => {
    const entries = [entry("party", 10, 0, 3), entry("a", 10), entry("b", 11), entry("c", 9)];
    const groups = formGroups(entries, warOfSix, policy, 0);
    assert.equal(groups.length, 1);
    const teamOf = new Map(groups[0]!.members.map((m) => [m.id, m.team]));
    const partyTeam = teamOf.get("party")!;
    for (const id of ["a", "b", "c"]) assert.notEqual(teamOf.get(id), partyTeam, `${id} is on the other team`);
  });

  it("two parties of two and two solos cannot fill 3 + 3 when one team would need a split: the packing finds the way", () => {
    assert.deepEqual(packTeams([entry("p", 0, 0, 2), entry("q", 0, 0, 2), entry("r", 0, 0, 2)], warOfSix), null, "three pairs never make 3 + 3");
    const teams = packTeams([entry("p", 0, 0, 2), entry("q", 0, 0, 2), entry("s", 0), entry("t", 0)], warOfSix)!;
    assert.notEqual(teams[0], teams[1], "the pairs go to different teams");
    assert.equal(teams.filter((t) => t === 0).length, 2);
  });

  it("a group of three pairs is not formed for a war of 3 + 3; pairs and solos are", () => {
    const pairs = [entry("p", 10, 0, 2), entry("q", 10, 0, 2), entry("r", 10, 0, 2)];
    assert.deepEqual(formGroups(pairs, warOfSix, policy, 0), []);
    const groups = formGroups([...pairs, entry("s", 10), entry("t", 10)], warOfSix, policy, 0);
    assert.equal(groups.length, 1);
    assert.equal(groups[0]!.players, 6);
  });

  it("teams come out balanced by rating", () => {
    const entries = [30, 28, 12, 10, 20, 20].map((r, i) => entry(`p${i}`, r));
    const teams = packTeams(entries, warOfSix)!;
    const sum = (t: number) => entries.filter((_, i) => teams[i] === t).reduce((s, e) => s + e.rating, 0);
    assert.ok(Math.abs(sum(0) - sum(1)) <= 8, `sums ${sum(0)} and ${sum(1)}`);
  });

  it("a party too large for a team never groups", () => {
    assert.deepEqual(formGroups([entry("big", 0, 0, 4)], warOfSix, policy, 60_000), []);
  });

  it("a party's rating is its mean plus a margin per extra member", () => {
    assert.equal(partyRating([10, 20], 1), 16);
    assert.equal(partyRating([10], 1), 10);
    assert.equal(partyRating([4, 8, 12], 0.5), 9);
  });

  it("is deterministic and independent of the order of the entries", () => {
    const entries = Array.from({ length: 40 }, (_, i) => entry(`p${i}`, (i * 7919) % 37, (i * 104729) % 5000));
    const a = formGroups(entries, fourFree, policy, 8_000);
    const b = formGroups([...entries].reverse(), fourFree, policy, 8_000);
    assert.deepEqual(a, b);
    assert.ok(a.length >= 5);
    for (const group of a) assert.ok(group.spread <= bandAt(8_000, policy));
  });
});
