/**
 * The war map as a pure function of the seed: zones on a 100 × 100 board, joined into a connected
 * graph whose roads never cross (so it draws cleanly), and one home zone per faction, as far apart
 * as the graph allows.
 */
import { Rng } from "../../kit/random.js";

export const MAP_RULES = {
  minZones: 5,
  maxZones: 9,
  /** Zones keep this far from the board's edge (board is 0..100). */
  margin: 10,
  /** Preferred least distance between two zones; lowered only if the board gets too crowded. */
  minDistance: 22,
  /** Besides the spanning tree, roads this short may be added... */
  extraRoadMaxDistance: 50,
  /** ...each with this chance... */
  extraRoadChance: 0.55,
  /** ...as long as neither end has this many roads. */
  maxRoads: 4,
  /** Walking speed in board units per second, and the shortest walk. */
  walkSpeed: 18,
  minTravelSeconds: 1,
} as const;

const ZONE_NAMES = ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel", "India"] as const;

export interface ZoneSpec {
  id: number;
  name: string;
  x: number;
  y: number;
  /** Adjacent zone ids, ascending. Adjacency is symmetric. */
  neighbours: number[];
}

export interface WarMap {
  zones: ZoneSpec[];
  /** Home zone of each faction, by faction index. */
  homes: number[];
  /** Roads between zones: hops[a][b] is the least number of roads from a to b. */
  hops: number[][];
}

type Point = { x: number; y: number };

const squaredDistance = (a: Point, b: Point) => (a.x - b.x) ** 2 + (a.y - b.y) ** 2;

/** Generates the map of a match: same seed and faction count, same map. */
export function generateWarMap(seed: number, factions: number): WarMap {
  const rng = new Rng(seed);
  const count = rng.int(MAP_RULES.minZones, MAP_RULES.maxZones);
  const points = placeZones(rng, count);
  const roads = connect(rng, points);
  const zones: ZoneSpec[] = points.map((point, id) => ({
    id,
    name: ZONE_NAMES[id] ?? `Zone ${id + 1}`,
    x: point.x,
    y: point.y,
    neighbours: [...(roads[id] ?? [])].sort((a, b) => a - b),
  }));
  const hops = allHops(zones);
  const homes = rng.shuffle(farthestApart(points, hops, factions));
  return { zones, homes, hops };
}

/** Rejection sampling on integer coordinates; relaxes the spacing if the board gets too crowded. */
function placeZones(rng: Rng, count: number): Point[] {
  const low = MAP_RULES.margin;
  const high = 100 - MAP_RULES.margin;
  for (let spacing: number = MAP_RULES.minDistance; ; spacing -= 2) {
    const points: Point[] = [];
    for (let attempt = 0; attempt < 400 && points.length < count; attempt++) {
      const candidate = { x: rng.int(low, high), y: rng.int(low, high) };
      if (points.every((p) => squaredDistance(p, candidate) >= spacing * spacing)) points.push(candidate);
    }
    if (points.length === count) return points;
  }
}

/** A Euclidean minimum spanning tree (connected, never crossing) plus some short extra roads that cross nothing. */
function connect(rng: Rng, points: Point[]): Array<Set<number>> {
  const roads = points.map(() => new Set<number>());
  const edges: Array<[number, number]> = [];
  const addRoad = (a: number, b: number) => {
    roads[a]!.add(b);
    roads[b]!.add(a);
    edges.push([a, b]);
  };

  // Prim: grow the tree from zone 0, always by the shortest road out of it (ties: lowest ids)
  const inTree = new Set([0]);
  while (inTree.size < points.length) {
    let best: [number, number] | undefined;
    let bestDistance = Infinity;
    for (const a of inTree) {
      for (let b = 0; b < points.length; b++) {
        if (inTree.has(b)) continue;
        const d = squaredDistance(points[a]!, points[b]!);
        if (d < bestDistance) {
          bestDistance = d;
          best = [a, b];
        }
      }
    }
    const [a, b] = best!;
    addRoad(a, b);
    inTree.add(b);
  }

  const candidates: Array<[number, number, number]> = [];
  for (let a = 0; a < points.length; a++) {
    for (let b = a + 1; b < points.length; b++) {
      if (!roads[a]!.has(b)) candidates.push([a, b, squaredDistance(points[a]!, points[b]!)]);
    }
  }
  candidates.sort((p, q) => p[2] - q[2] || p[0] - q[0] || p[1] - q[1]);
  for (const [a, b, d] of candidates) {
    if (d > MAP_RULES.extraRoadMaxDistance ** 2) break;
    if (roads[a]!.size >= MAP_RULES.maxRoads || roads[b]!.size >= MAP_RULES.maxRoads) continue;
    if (rng.float() >= MAP_RULES.extraRoadChance) continue;
    if (edges.some(([c, e]) => crosses(points, a, b, c, e))) continue;
    // a road must not run through a third zone (the spanning tree never does)
    if (points.some((p, i) => i !== a && i !== b && liesOn(points[a]!, points[b]!, p))) continue;
    addRoad(a, b);
  }
  return roads;
}

const orientation = (p: Point, q: Point, r: Point) => Math.sign((q.x - p.x) * (r.y - p.y) - (q.y - p.y) * (r.x - p.x));

/** Whether r lies on segment pq. Exact on integer coordinates. */
function liesOn(p: Point, q: Point, r: Point): boolean {
  return (
    orientation(p, q, r) === 0 &&
    Math.min(p.x, q.x) <= r.x && r.x <= Math.max(p.x, q.x) &&
    Math.min(p.y, q.y) <= r.y && r.y <= Math.max(p.y, q.y)
  );
}

/** Whether road ab would cross or touch road cd anywhere but at a shared zone. */
function crosses(points: Point[], a: number, b: number, c: number, d: number): boolean {
  if (a === c || a === d || b === c || b === d) return false;
  const [pa, pb, pc, pd] = [points[a]!, points[b]!, points[c]!, points[d]!];
  const o1 = orientation(pa, pb, pc);
  const o2 = orientation(pa, pb, pd);
  const o3 = orientation(pc, pd, pa);
  const o4 = orientation(pc, pd, pb);
  if (o1 * o2 < 0 && o3 * o4 < 0) return true;
  return liesOn(pa, pb, pc) || liesOn(pa, pb, pd) || liesOn(pc, pd, pa) || liesOn(pc, pd, pb);
}

/** Breadth-first hop counts between every pair of zones. */
function allHops(zones: readonly ZoneSpec[]): number[][] {
  return zones.map((start) => {
    const hops = zones.map(() => Infinity);
    hops[start.id] = 0;
    const queue = [start.id];
    for (let i = 0; i < queue.length; i++) {
      const here = queue[i]!;
      for (const next of zones[here]!.neighbours) {
        if (hops[next] === Infinity) {
          hops[next] = hops[here]! + 1;
          queue.push(next);
        }
      }
    }
    return hops;
  });
}

/** The set of `k` zones whose closest pair is the most hops apart (ties: farther on the board). */
function farthestApart(points: Point[], hops: number[][], k: number): number[] {
  let best: number[] = [];
  let bestKey: [number, number] = [-1, -1];
  const visit = (chosen: number[], from: number) => {
    if (chosen.length === k) {
      let minHops = Infinity;
      let spread = 0;
      for (let i = 0; i < k; i++) {
        for (let j = i + 1; j < k; j++) {
          minHops = Math.min(minHops, hops[chosen[i]!]![chosen[j]!]!);
          spread += squaredDistance(points[chosen[i]!]!, points[chosen[j]!]!);
        }
      }
      if (minHops > bestKey[0] || (minHops === bestKey[0] && spread > bestKey[1])) {
        best = chosen.slice();
        bestKey = [minHops, spread];
      }
      return;
    }
    for (let zone = from; zone < points.length; zone++) visit([...chosen, zone], zone + 1);
  };
  visit([], 0);
  return best;
}

export function areAdjacent(map: WarMap, from: number, to: number): boolean {
  return map.zones[from]?.neighbours.includes(to) ?? false;
}

/** Ticks a walk along the road from one zone to an adjacent one takes. Square root is exact in IEEE 754, so this replays. */
export function travelTicks(map: WarMap, from: number, to: number, tickRateHz: number): number {
  const a = map.zones[from]!;
  const b = map.zones[to]!;
  const seconds = Math.max(MAP_RULES.minTravelSeconds, Math.sqrt(squaredDistance(a, b)) / MAP_RULES.walkSpeed);
  return Math.max(1, Math.round(seconds * tickRateHz));
}

/** The first zone on a shortest road path from `from` to `to` (ties: lowest id); `from` itself when already there. */
export function nextHop(map: WarMap, from: number, to: number): number {
  if (from === to) return from;
  const remaining = map.hops[from]![to]!;
  return map.zones[from]!.neighbours.find((n) => map.hops[n]![to] === remaining - 1) ?? from;
}
