// Seeded randomness, so a load run can be repeated choice for choice.

/**
 * mulberry32: a small, fast 32-bit generator; plenty for picking inputs.
 * @param {number} seed
 * @returns {() => number} numbers in [0, 1)
 */
export function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A seed from several numbers (e.g. the VU number and the iteration).
 * @param {...number} parts
 */
export function mixSeed(...parts) {
  let h = 0x811c9dc5;
  for (const part of parts) {
    h = Math.imul(h ^ (part >>> 0), 0x01000193) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 0x5bd1e995) >>> 0;
  }
  return h >>> 0;
}

/**
 * A number in [min, max).
 * @param {() => number} random
 * @param {number} min
 * @param {number} max
 */
export function between(random, min, max) {
  return min + random() * (max - min);
}

/**
 * An integer in [0, count).
 * @param {() => number} random
 * @param {number} count
 */
export function randomIndex(random, count) {
  return Math.min(count - 1, Math.floor(random() * count));
}
