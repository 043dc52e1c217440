// The TypeScript port of the engine's dense painting (assembly/plan_paint_dense.ts), written
// with the same care but in JavaScript's own widths: u32 words (JavaScript has no u64 and no
// popcount instruction; clz32 gives ctz), so the bitmap and the tree are 32-ary. Buffers are
// reused across runs.

/** Painters of the segments between the distinct coordinates, plus what the sweep needs. */
export interface DenseCoordinates { bits: Uint32Array; prefix: Uint32Array; m: number; lowest: number }

const popcount = (x: number): number => {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
};
const ctz = (x: number): number => 31 - Math.clz32(x & -x);

export class TsDensePainter {
  #bits = new Uint32Array(0); #prefix = new Uint32Array(0); #paint = new Uint32Array(0); #ranks = new Uint32Array(0);
  #levels: Uint32Array[] = [];
  #segments = 0;

  /**
   * The coordinate bitmap over `span` pages from `lowest`, or undefined when the dense path's
   * scratch would pass the engine's limit (the same rule as plan_paint.ts's paintDense).
   */
  coordinates(starts: Float64Array, ends: Float64Array, n: number, lowest: number, span: number): DenseCoordinates | undefined {
    const words = Math.ceil(span / 32);
    if (this.#bits.length < words) { this.#bits = new Uint32Array(words); this.#prefix = new Uint32Array(words); }
    const bits = this.#bits, prefix = this.#prefix;
    bits.fill(0, 0, words);
    for (let i = 0; i < n; i++) {
      const s = starts[i]! - lowest, e = ends[i]! - lowest;
      bits[s >>> 5]! |= 1 << (s & 31);
      bits[e >>> 5]! |= 1 << (e & 31);
    }
    let m = 0;
    for (let w = 0; w < words; w++) { prefix[w] = m; m += popcount(bits[w]!); }
    const scratch = Math.ceil(span / 64) * 12 + treeBytes(m - 1) + 4 * m;
    return scratch > n * 10 + 65536 ? undefined : { bits, prefix, m, lowest };
  }

  /**
   * Paints requests last to first and calls `piece(start, end, request, policy)` in address
   * order. With `reqPol` (policy ids under 255, fewer than 2^24 requests) a painter holds the
   * request and its policy id in one word, as the engine's; else `policy` is -1.
   */
  paint(starts: Float64Array, ends: Float64Array, n: number, c: DenseCoordinates, reqPol: Uint32Array | undefined,
    piece: (s: number, e: number, r: number, pol: number) => void): void {
    const { bits, prefix, m, lowest } = c;
    if (this.#paint.length < m) this.#paint = new Uint32Array(m);
    const paint = this.#paint;
    paint.fill(0xffffffff, 0, m);
    this.#takeTree(m - 1);
    const rank = (p: number): number => prefix[p >>> 5]! + popcount(bits[p >>> 5]! & ((1 << (p & 31)) - 1));
    // Ranks first, in a loop of independent loads (as the engine), then the painting.
    if (this.#ranks.length < 2 * n) this.#ranks = new Uint32Array(2 * n);
    const ranks = this.#ranks;
    for (let r = 0; r < n; r++) { ranks[2 * r] = rank(starts[r]! - lowest); ranks[2 * r + 1] = rank(ends[r]! - lowest); }
    const level0 = this.#levels[0]!;
    // next(j), answered from level 0 when its word holds the answer (as the engine).
    const next = (j: number): number => {
      const w = j >>> 5, word = w < level0.length ? level0[w]! & (0xffffffff << (j & 31)) : 0;
      return word !== 0 ? w * 32 + ctz(word) : this.#next(j);
    };
    for (let r = n - 1; r >= 0; r--) {
      const hi = ranks[2 * r + 1]!;
      let j = next(ranks[2 * r]!);
      const who = reqPol ? (r | (reqPol[r]! << 24)) >>> 0 : r;
      while (j < hi) { paint[j] = who; this.#mark(j); j = next(j + 1); }
    }
    let w = 0, word = bits[0]!;
    while (word === 0) word = bits[++w]!;
    let cs = w * 32 + ctz(word);
    word &= word - 1;
    let j = 0;
    while (j + 1 < m) {
      const who = paint[j]!;
      let k = j, ce = 0;
      do {
        k++;
        while (word === 0) word = bits[++w]!;
        ce = w * 32 + ctz(word);
        word &= word - 1;
      } while (k + 1 < m && paint[k] === who);
      if (who !== 0xffffffff) {
        if (reqPol) piece(cs + lowest, ce + lowest, who & 0xffffff, who >>> 24);
        else piece(cs + lowest, ce + lowest, who, -1);
      }
      j = k; cs = ce;
    }
  }

  #takeTree(segments: number): void {
    this.#segments = segments;
    let bits = Math.max(segments, 1), l = 0;
    for (;;) {
      const words = Math.ceil(bits / 32);
      if (!this.#levels[l] || this.#levels[l]!.length < words) this.#levels[l] = new Uint32Array(words);
      const level = this.#levels[l]!;
      level.fill(0xffffffff, 0, words - 1);
      level[words - 1] = bits % 32 === 0 ? 0xffffffff : (1 << (bits % 32)) - 1;
      if (segments === 0 && l === 0) level[0] = 0;
      l++;
      if (words === 1) break;
      bits = words;
    }
    this.#levels.length = l;
  }

  #next(j: number): number {
    const levels = this.#levels;
    let l = 0, i = j;
    for (;;) {
      if (l >= levels.length) return this.#segments;
      const w = i >>> 5, level = levels[l]!;
      if (w >= level.length) return this.#segments;
      const word = level[w]! & (0xffffffff << (i & 31));
      if (word !== 0) { i = w * 32 + ctz(word); break; }
      l++; i = w + 1;
    }
    while (l > 0) { l--; i = i * 32 + ctz(levels[l]![i]!); }
    return i;
  }

  #mark(j: number): void {
    let i = j;
    for (const level of this.#levels) {
      const word = level[i >>> 5]! & ~(1 << (i & 31));
      level[i >>> 5] = word;
      if (word !== 0) return;
      i >>>= 5;
    }
  }
}

/** The engine's tree size (64-ary, u64 words) for the same limit as the engine's. */
function treeBytes(segments: number): number {
  let bytes = 0, bits = Math.max(segments, 1);
  for (;;) {
    const words = Math.ceil(bits / 64);
    bytes += words * 8 + 15;
    if (words === 1) return bytes;
    bits = words;
  }
}
