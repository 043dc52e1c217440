// A TypeScript port of the engine's planner (assembly/planner.ts, plan_paint.ts, plan_emit.ts),
// written with the same care: typed arrays reused across runs, no object per range, the same
// phases (resolve with kernel rules and policy interning, sorted-disjoint fast path, dense
// painting over a coordinate bitmap (ts_paint_dense.ts) or a radix sort of range ends and
// union-find painting, coalescing emit with per-op validation). Where the engine sorts in place
// to save memory, the port keeps its faster two-buffer sort. It covers what
// the benchmark exercises: last-wins, chunkBytes, no interleave blocks. JavaScript has no u64,
// so addresses are u32 halves and page numbers doubles (exact below 2^53, which every user-space
// address satisfies); that shortcut can only make the port faster, never slower.
import { abi } from "../host/engine.ts";
import { TsDensePainter } from "./ts_paint_dense.ts";

const TWO32 = 4294967296;

/** Facts and options, as the engine's control block holds them. */
export interface TsControl { pageSize: number; kernelPage: number; maxNumNodes: number; usable: Uint32Array; chunk: number; capSysNice: boolean }

export class TsPlanner {
  #cap = 0;
  #starts = new Float64Array(0); #ends = new Float64Array(0); #reqPol = new Uint32Array(0);
  #keyLo = new Uint32Array(0); #keyHi = new Uint32Array(0); #vals = new Uint32Array(0);
  #tLo = new Uint32Array(0); #tHi = new Uint32Array(0); #tVals = new Uint32Array(0);
  #ranks = new Uint32Array(0); #parent = new Uint32Array(0); #paint = new Uint32Array(0);
  #coords = new Float64Array(0); #polTable = new Uint32Array(0);
  #polMode = new Int32Array(0); #polFlags = new Uint32Array(0); #polCanon = new Uint32Array(0);
  #hist = new Uint32Array(65536); #dm = new Uint32Array(256 * 4); #nPol = 0;
  #dense = new TsDensePainter();
  /** Output: op records (abi.ts layout) as u32s, and their count. */
  ops = new Uint32Array(0);
  nOps = 0;
  // Emit state.
  #have = false; #curS = 0; #curE = 0; #curMode = 0; #curFlags = 0; #curMask = 0; #curReq = 0;
  #summary = new Uint32Array(0); #canon = new Uint32Array(0);
  #ctl!: TsControl;

  #grow(n: number): void {
    if (n <= this.#cap) return;
    const c = Math.max(n, this.#cap * 2);
    this.#cap = c;
    this.#starts = new Float64Array(c); this.#ends = new Float64Array(c); this.#reqPol = new Uint32Array(c);
    this.#keyLo = new Uint32Array(2 * c); this.#keyHi = new Uint32Array(2 * c); this.#vals = new Uint32Array(2 * c);
    this.#tLo = new Uint32Array(2 * c); this.#tHi = new Uint32Array(2 * c); this.#tVals = new Uint32Array(2 * c);
    this.#ranks = new Uint32Array(2 * c); this.#parent = new Uint32Array(2 * c); this.#paint = new Uint32Array(2 * c);
    this.#coords = new Float64Array(2 * c);
    let t = 16; while (t < 2 * c) t *= 2;
    this.#polTable = new Uint32Array(t);
    this.#polMode = new Int32Array(c); this.#polFlags = new Uint32Array(c); this.#polCanon = new Uint32Array(c);
    this.ops = new Uint32Array(2 * c * 8);
  }

  /** Plans `n` request records (u32 view) with `nMask` masks of `words` u64. Returns an E_* code. */
  plan(req: Uint32Array, n: number, masks: Uint32Array, nMask: number, words: number, ctl: TsControl): number {
    this.#grow(n);
    this.#ctl = ctl;
    const page = ctl.pageSize;
    this.nOps = 0; this.#have = false;
    // 1. Masks: canonical index by content (linear search is fine for the few masks a batch has) and summaries.
    this.#canon = new Uint32Array(nMask); this.#summary = new Uint32Array(nMask);
    for (let i = 0; i < nMask; i++) {
      let c = i;
      for (let j = 0; j < i && c === i; j++) if (this.#canon[j] === j && maskEquals(masks, i, j, words)) c = j;
      this.#summary[i] = summarize(masks, i, words, ctl);
      this.#canon[i] = c === i && (this.#summary[i]! & 1) ? abi.NO_MASK : c === i ? i : this.#canon[c]!;
    }
    // 2. Resolve: rules, range, policy id.
    const table = this.#polTable, tmask = table.length - 1;
    table.fill(0);
    let nPol = 0;
    let sorted = true, prevEnd = 0;
    // The engine's direct-mapped cache of raw (mode, flags, mask index) triples: 256 entries
    // of mode, flags, mask index and policy id (NO_MASK: empty).
    const dm = this.#dm;
    dm.fill(0xffffffff);
    for (let i = 0; i < n; i++) {
      const r = i * 8;
      const addrLo = req[r]!, addrHi = req[r + 1]!, lenLo = req[r + 2]!, lenHi = req[r + 3]!;
      const mode = req[r + 4]! | 0, flags = req[r + 5]!, mi = req[r + 6]!, kind = req[r + 7]!;
      const d = ((Math.imul(mode, 0x9e3779b1) ^ Math.imul(flags, 0xc2b2ae3d) ^ Math.imul(mi, 0x85ebca77)) >>> 24) << 2;
      const cached = dm[d] === (mode >>> 0) && dm[d + 1] === flags && dm[d + 2] === mi;
      let pol = cached ? dm[d + 3]! : abi.NO_MASK;
      let slot = -1, c = abi.NO_MASK, has = false, sum = 1;
      if (pol === abi.NO_MASK) {
        if (mi !== abi.NO_MASK && mi >= nMask) return abi.E_MASK_INDEX;
        c = mi === abi.NO_MASK ? abi.NO_MASK : this.#canon[mi]!;
        has = c !== abi.NO_MASK; sum = has ? this.#summary[c]! : 1;
        // Policy id, interned; only a new policy is checked against the policy rules (as the engine).
        const h = Math.imul(mode, 0x9e3779b1) ^ Math.imul(flags, 0x85ebca77) ^ Math.imul(c, 0xc2b2ae3d);
        slot = (h ^ (h >>> 15)) & tmask;
        for (;;) {
          const at = table[slot]!;
          if (at === 0) break;
          if (this.#polMode[at - 1] === mode && this.#polFlags[at - 1] === flags && this.#polCanon[at - 1] === c) { pol = at - 1; break; }
          slot = (slot + 1) & tmask;
        }
        if (pol === abi.NO_MASK && verdictPolicy(mode, has, words, sum, flags, ctl) !== abi.V_OK) return abi.E_RULE;
      }
      const addr = addrHi * TWO32 + addrLo, len = lenHi * TWO32 + lenLo;
      let s: number, e: number;
      if (kind & abi.KIND_BUFFER) {
        s = Math.ceil(addr / page); e = Math.floor((addr + len) / page);
        if (e <= s) return abi.E_NO_FULL_PAGE;
      } else {
        if (addrLo % ctl.kernelPage !== 0) return abi.E_RULE;
        if (len === 0) return abi.E_EMPTY_RANGE;
        if (addrLo % page !== 0 || lenLo % page !== 0) return abi.E_UNALIGNED;
        s = addr / page; e = s + len / page;
      }
      if (pol === abi.NO_MASK) {
        if (verdictCreate(mode, has, sum) !== abi.V_OK) return abi.E_RULE;
        pol = nPol++; table[slot] = pol + 1;
        this.#polMode[pol] = mode; this.#polFlags[pol] = flags; this.#polCanon[pol] = c;
      }
      if (!cached) { dm[d] = mode >>> 0; dm[d + 1] = flags; dm[d + 2] = mi; dm[d + 3] = pol; }
      this.#reqPol[i] = pol;
      this.#starts[i] = s; this.#ends[i] = e;
      if (i > 0 && s < prevEnd) sorted = false;
      prevEnd = e;
    }
    this.#nPol = nPol;
    // 3. Order and overlaps.
    if (sorted) {
      // As the engine's emitSorted: a run of one policy whose pieces touch only moves its end.
      const starts = this.#starts, ends = this.#ends, reqPol = this.#reqPol;
      for (let i = 0; i < n;) {
        this.#piece(starts[i]!, ends[i]!, i, page);
        const p = reqPol[i]!;
        let end = ends[i++]!;
        if (ctl.chunk !== 0) continue;
        while (i < n && reqPol[i] === p && starts[i] === end) end = ends[i++]!;
        this.#curE = end;
      }
    } else {
      this.#paintAll(n, page);
    }
    this.#flush(page);
    return abi.OK;
  }

  #paintAll(n: number, page: number): void {
    // The dense path first, as the engine takes it (range ends in a span under 16 pages a request).
    let lowest = Infinity, highest = 0;
    for (let i = 0; i < n; i++) { lowest = Math.min(lowest, this.#starts[i]!); highest = Math.max(highest, this.#ends[i]!); }
    if (highest - lowest < 16 * n) {
      const c = this.#dense.coordinates(this.#starts, this.#ends, n, lowest, highest - lowest + 1);
      const packed = n < 2 ** 24 && this.#nPol < 255 ? this.#reqPol : undefined;
      if (c) { this.#dense.paint(this.#starts, this.#ends, n, c, packed, (s, e, r, p) => this.#piece(s, e, r, page, p)); return; }
    }
    let lo = this.#keyLo, hi = this.#keyHi, vals = this.#vals;
    const m2 = 2 * n;
    for (let i = 0; i < n; i++) {
      const s = this.#starts[i]!, e = this.#ends[i]!;
      lo[2 * i] = s >>> 0; hi[2 * i] = Math.floor(s / TWO32); vals[2 * i] = 2 * i;
      lo[2 * i + 1] = e >>> 0; hi[2 * i + 1] = Math.floor(e / TWO32); vals[2 * i + 1] = 2 * i + 1;
    }
    // LSD radix sort, 16-bit digits, skipping digits that never vary (as the engine does).
    let sorted = true;
    for (let k = 1; k < m2 && sorted; k++) if (hi[k]! < hi[k - 1]! || (hi[k] === hi[k - 1] && lo[k]! < lo[k - 1]!)) sorted = false;
    if (!sorted) {
      let vLo = 0, vHi = 0;
      const fLo = lo[0]!, fHi = hi[0]!;
      for (let k = 1; k < m2; k++) { vLo |= lo[k]! ^ fLo; vHi |= hi[k]! ^ fHi; }
      let tLo = this.#tLo, tHi = this.#tHi, tVals = this.#tVals;
      const hist = this.#hist;
      for (let d = 0; d < 4; d++) {
        const src = d < 2 ? lo : hi, sh = (d & 1) * 16;
        if ((((d < 2 ? vLo : vHi) >>> sh) & 0xffff) === 0) continue;
        hist.fill(0);
        for (let k = 0; k < m2; k++) hist[(src[k]! >>> sh) & 0xffff]!++;
        let sum = 0;
        for (let b = 0; b < 65536; b++) { const c = hist[b]!; hist[b] = sum; sum += c; }
        for (let k = 0; k < m2; k++) {
          const b = ((d < 2 ? lo[k]! : hi[k]!) >>> sh) & 0xffff;
          const at = hist[b]!++;
          tLo[at] = lo[k]!; tHi[at] = hi[k]!; tVals[at] = vals[k]!;
        }
        [lo, tLo] = [tLo, lo]; [hi, tHi] = [tHi, hi]; [vals, tVals] = [tVals, vals];
      }
    }
    const coords = this.#coords, ranks = this.#ranks, parent = this.#parent, paint = this.#paint;
    let m = 0;
    for (let k = 0; k < m2; k++) {
      const key = hi[k]! * TWO32 + lo[k]!;
      if (m === 0 || coords[m - 1] !== key) coords[m++] = key;
      ranks[vals[k]!] = m - 1;
    }
    for (let j = 0; j < m; j++) parent[j] = j;
    paint.fill(0xffffffff, 0, m);
    for (let r = n - 1; r >= 0; r--) {
      const hiR = ranks[2 * r + 1]!;
      let j = find(parent, ranks[2 * r]!);
      while (j < hiR) { paint[j] = r; parent[j] = j + 1; j = find(parent, j + 1); }
    }
    let j = 0;
    while (j + 1 < m) {
      const who = paint[j]!;
      let k = j + 1;
      while (k + 1 < m && paint[k] === who) k++;
      if (who !== 0xffffffff) this.#piece(coords[j]!, coords[k]!, who, page);
      j = k;
    }
  }

  /** A visible piece in page numbers [s, e) of request `req`, of policy id `pol` when the painter carried it. */
  #piece(s: number, e: number, req: number, page: number, pol = -1): void {
    const p = pol >= 0 ? pol : this.#reqPol[req]!;
    const mode = this.#polMode[p]!, flags = this.#polFlags[p]!, c = this.#polCanon[p]!;
    const chunk = this.#ctl.chunk / page;
    let a = s;
    while (a < e) {
      const next = chunk ? a + (chunk - (a % chunk)) : e;
      const b = next > e ? e : next;
      const cut = chunk !== 0 && a % chunk === 0;
      if (this.#have && this.#curE === a && this.#curMode === mode && this.#curFlags === flags && this.#curMask === c && !cut) {
        this.#curE = b;
      } else {
        this.#flush(page);
        this.#have = true; this.#curS = a; this.#curE = b; this.#curMode = mode; this.#curFlags = flags;
        this.#curMask = c; this.#curReq = req;
      }
      a = b;
    }
  }

  #flush(page: number): void {
    if (!this.#have) return;
    this.#have = false;
    const addr = this.#curS * page, len = (this.#curE - this.#curS) * page;
    // Every run here is of a policy the resolve pass checked (the port has no blocks), so,
    // as in the engine's verdict(), only the range rule is left.
    if (addr % this.#ctl.kernelPage !== 0) throw new Error("an op failed validation");
    const o = this.nOps++ * 8, ops = this.ops;
    ops[o] = addr >>> 0; ops[o + 1] = Math.floor(addr / TWO32);
    ops[o + 2] = len >>> 0; ops[o + 3] = Math.floor(len / TWO32);
    ops[o + 4] = this.#curMode; ops[o + 5] = this.#curFlags; ops[o + 6] = this.#curMask; ops[o + 7] = this.#curReq;
  }
}

function find(parent: Uint32Array, j: number): number {
  for (;;) {
    const p = parent[j]!;
    if (p === j) return j;
    const gp = parent[p]!;
    parent[j] = gp;
    j = gp;
  }
}

function maskEquals(m: Uint32Array, a: number, b: number, words: number): boolean {
  for (let k = 0; k < 2 * words; k++) if (m[a * 2 * words + k] !== m[b * 2 * words + k]) return false;
  return true;
}

/** MS_EMPTY = 1, MS_BEYOND = 2, MS_HITS = 4, as the engine's MASK_SUMMARY. */
function summarize(m: Uint32Array, i: number, words: number, ctl: TsControl): number {
  let any = 0, beyond = 0, hits = 0;
  for (let k = 0; k < 2 * words; k++) {
    const w = m[i * 2 * words + k]!;
    any |= w;
    const lo = k * 32;
    if (lo + 32 > ctl.maxNumNodes) beyond |= lo >= ctl.maxNumNodes ? w : w & ~((1 << (ctl.maxNumNodes - lo)) - 1);
    if (k < ctl.usable.length) hits |= w & ctl.usable[k]!;
  }
  return (any ? 0 : 1) | (beyond ? 2 : 0) | (hits ? 4 : 0);
}

function verdictPolicy(mode: number, has: boolean, words: number, sum: number, flags: number, ctl: TsControl): number {
  const base = (mode & ~abi.MPOL_MODE_FLAGS) >>> 0, mf = mode & abi.MPOL_MODE_FLAGS;
  if (base >= abi.MPOL_MAX) return abi.V_MODE;
  if ((mf & abi.MPOL_F_STATIC_NODES) && (mf & abi.MPOL_F_RELATIVE_NODES)) return abi.V_STATIC_RELATIVE;
  if ((mf & abi.MPOL_F_NUMA_BALANCING) && base !== abi.MPOL_BIND && base !== abi.MPOL_PREFERRED_MANY) return abi.V_BALANCING;
  if (has && words * 64 > ctl.kernelPage * 8) return abi.V_MASK_TOO_WIDE;
  if (has && sum & 2) return abi.V_MASK_BEYOND;
  if (flags & ~abi.MPOL_MF_VALID) return abi.V_FLAGS;
  if (flags & abi.MPOL_MF_MOVE_ALL && !ctl.capSysNice) return abi.V_MOVE_ALL;
  return abi.V_OK;
}

function verdictCreate(mode: number, has: boolean, sum: number): number {
  const base = mode & ~abi.MPOL_MODE_FLAGS, mf = mode & abi.MPOL_MODE_FLAGS;
  const empty = !has || (sum & 1) !== 0, folded = (mf & (abi.MPOL_F_STATIC_NODES | abi.MPOL_F_RELATIVE_NODES)) !== 0;
  if (base === abi.MPOL_DEFAULT) return empty ? abi.V_OK : abi.V_DEFAULT_NODES;
  if (base === abi.MPOL_PREFERRED) { if (empty) return folded ? abi.V_PREFERRED_FLAGS : abi.V_OK; }
  else if (base === abi.MPOL_LOCAL) return !empty ? abi.V_LOCAL_NODES : folded ? abi.V_LOCAL_FLAGS : abi.V_OK;
  else if (empty) return abi.V_NODES_REQUIRED;
  if (mf & abi.MPOL_F_RELATIVE_NODES) return abi.V_OK;
  return sum & 4 ? abi.V_OK : abi.V_NODES_UNUSABLE;
}
