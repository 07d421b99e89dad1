import { Rng } from "../../kit/random.js";

export interface TrackFeatureSpec {
  lane: number;
  /** Metres from the start line. */
  position: number;
}

/** Features are sorted by position (the simulation relies on it). */
export interface Track {
  length: number;
  lanes: number;
  obstacles: TrackFeatureSpec[];
  boostPads: TrackFeatureSpec[];
}

/** The first metres are kept clear so nobody hits an obstacle at the start signal. */
export const CLEAR_START_METRES = 30;
const MIN_GAP = 15;
const MAX_GAP = 40;

/**
 * Places obstacles and boost pads along a track from a seed: same seed and size, same track.
 * At most one feature per position, so a lane is always open.
 */
export function generateTrack(seed: number, length: number, lanes: number): Track {
  const rng = new Rng(seed);
  const obstacles: TrackFeatureSpec[] = [];
  const boostPads: TrackFeatureSpec[] = [];
  let position = CLEAR_START_METRES + rng.int(0, MIN_GAP);
  // keep the last stretch clear so the finish is decided by speed, not by luck
  while (position < length - MIN_GAP) {
    const feature = { lane: rng.int(0, lanes - 1), position };
    if (rng.float() < 0.6) obstacles.push(feature);
    else boostPads.push(feature);
    position += rng.int(MIN_GAP, MAX_GAP);
  }
  return { length, lanes, obstacles, boostPads };
}
