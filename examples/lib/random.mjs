// The seeded random numbers every example's generate.mjs uses (mulberry32): the same seed always
// gives the same data files.

/** mulberry32: a small, fast, seeded PRNG; returns floats in [0, 1). */
export function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded source: `rnd()` in [0, 1), `int(lo, hi)` inclusive, `pick(xs)`. */
export function seeded(seed) {
  const rnd = mulberry32(seed);
  return {
    rnd,
    int: (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1)),
    pick: (xs) => xs[Math.floor(rnd() * xs.length)],
  };
}

/** Zero-padded number: pad(3) → "03". */
export const pad = (n, w = 2) => String(n).padStart(w, '0');
