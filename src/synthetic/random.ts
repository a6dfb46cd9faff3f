/**
 * Deterministic pseudo-randomness keyed by values, not by call order: the same key always
 * gives the same number, on any machine and in any invocation. This is what lets a stateless
 * Lambda produce counters that never go backwards.
 */

/** FNV-1a, 32-bit, of a string. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Mix a 32-bit key with integers (murmur3 finaliser per step). */
export function hashInts(key: number, ...values: number[]): number {
  let h = key >>> 0;
  for (const value of values) {
    // Split into two 32-bit halves so large integers (times in seconds) keep every bit.
    const low = value >>> 0;
    const high = Math.floor(value / 4294967296) >>> 0;
    h = mix(h ^ low);
    h = mix(h ^ high ^ 0x9e3779b9);
  }
  return h;
}

function mix(input: number): number {
  let h = input >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A number in [0, 1) from a key and integers. */
export function unit(key: number, ...values: number[]): number {
  return hashInts(key, ...values) / 4294967296;
}
