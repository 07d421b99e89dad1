import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MAP_RULES, areAdjacent, generateWarMap, nextHop, travelTicks, type WarMap } from "@arena/shared/modes/war/map";

const SEEDS = Array.from({ length: 300 }, (_, i) => i * 7919 + 1);

/** Zones reachable from zone 0 by roads. */
function reachable(map: WarMap): Set<number> {
  const seen = new Set([0]);
  const queue = [0];
  while (queue.length > 0) {
    for (const next of map.zones[queue.shift()!]!.neighbours) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
}

/** Independent check that two roads (segments between zones) cross away from their ends. */
function roadsCross(map: WarMap, [a, b]: [number, number], [c, d]: [number, number]): boolean {
  if (new Set([a, b, c, d]).size < 4) return false;
  const p = (i: number) => map.zones[i]!;
  const side = (o: number, q: number, r: number) => (p(q).x - p(o).x) * (p(r).y - p(o).y) - (p(q).y - p(o).y) * (p(r).x - p(o).x);
  return side(a, b, c) * side(a, b, d) < 0 && side(c, d, a) * side(c, d, b) < 0;
}

describe("war map", () => {
  it("is the same for the same seed and differs for another seed", () => {
    assert.deepEqual(generateWarMap(42, 2), generateWarMap(42, 2));
    assert.notDeepEqual(generateWarMap(42, 2), generateWarMap(43, 2));
    const sizes = new Set(SEEDS.map((seed) => generateWarMap(seed, 2).zones.length));
    assert.deepEqual([...sizes].sort(), [5, 6, 7, 8, 9], "every size from 5 to 9 occurs");
  });

  it("has 5–9 zones on the board, connected by symmetric roads that do not cross", () => {
    for (const factions of [2, 3]) {
      for (const seed of SEEDS) {
        const map = generateWarMap(seed, factions);
        assert.ok(map.zones.length >= MAP_RULES.minZones && map.zones.length <= MAP_RULES.maxZones);
        const roads: Array<[number, number]> = [];
        map.zones.forEach((zone, id) => {
          assert.equal(zone.id, id);
          assert.ok(zone.name.length > 0);
          assert.ok(zone.x >= 0 && zone.x <= 100 && zone.y >= 0 && zone.y <= 100);
          assert.ok(zone.neighbours.length > 0, `zone ${id} has a road`);
          assert.equal(new Set(zone.neighbours).size, zone.neighbours.length, "no duplicate roads");
          for (const n of zone.neighbours) {
            assert.notEqual(n, id, "no road to itself");
            assert.ok(map.zones[n]!.neighbours.includes(id), `seed ${seed}: road ${id}→${n} goes both ways`);
            if (id < n) roads.push([id, n]);
          }
        });
        assert.equal(reachable(map).size, map.zones.length, `seed ${seed}: every zone is reachable`);
        for (let i = 0; i < roads.length; i++) {
          for (let j = i + 1; j < roads.length; j++) {
            assert.ok(!roadsCross(map, roads[i]!, roads[j]!), `seed ${seed}: roads ${roads[i]} and ${roads[j]} cross`);
          }
        }
      }
    }
  });

  it("gives each faction its own home zone, as far apart as the roads allow", () => {
    for (const factions of [2, 3]) {
      for (const seed of SEEDS.slice(0, 60)) {
        const map = generateWarMap(seed, factions);
        assert.equal(map.homes.length, factions);
        assert.equal(new Set(map.homes).size, factions);
        if (factions === 2) {
          const longest = Math.max(...map.hops.flat());
          assert.equal(map.hops[map.homes[0]!]![map.homes[1]!], longest, `seed ${seed}: homes at the map's diameter`);
        }
      }
    }
  });

  it("walks take at least a second, longer roads take longer, and paths lead to the target", () => {
    const hz = 20;
    for (const seed of SEEDS.slice(0, 60)) {
      const map = generateWarMap(seed, 2);
      const roads = map.zones.flatMap((zone) => zone.neighbours.map((n) => ({ length: Math.hypot(zone.x - map.zones[n]!.x, zone.y - map.zones[n]!.y), ticks: travelTicks(map, zone.id, n, hz) })));
      roads.sort((a, b) => a.length - b.length);
      for (let i = 1; i < roads.length; i++) assert.ok(roads[i]!.ticks >= roads[i - 1]!.ticks, "a longer road never takes less time");
      for (const zone of map.zones) {
        for (const n of zone.neighbours) {
          assert.ok(areAdjacent(map, zone.id, n));
          assert.ok(travelTicks(map, zone.id, n, hz) >= MAP_RULES.minTravelSeconds * hz);
          assert.equal(travelTicks(map, zone.id, n, hz), travelTicks(map, n, zone.id, hz));
        }
        for (const target of map.zones) {
          let here = zone.id;
          for (let step = 0; step < map.hops[zone.id]![target.id]!; step++) {
            const next = nextHop(map, here, target.id);
            assert.ok(areAdjacent(map, here, next));
            here = next;
          }
          assert.equal(here, target.id);
        }
      }
    }
  });
});
