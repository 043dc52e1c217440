// Seeded randomness (mulberry32), so that every run of the bench visits the same chase starts
// and the same case orders: runs differ by the machine, not by the dice.

/**
 * A generator of floats in [0, 1) from a 32-bit seed (mulberry32, Tommy Ettinger's public
 * domain generator: one multiply-xorshift chain per number).
 * @example Basic usage
 * ```ts
 * const r = seededRandom(1);
 * assert(r() === seededRandom(1)());
 * ```
 */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * A shuffled copy of `items` (Fisher-Yates over `random`).
 * @example Basic usage
 * ```ts
 * assert(shuffled([1, 2, 3], seededRandom(4)).length === 3);
 * ```
 */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
