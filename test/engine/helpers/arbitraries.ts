// fast-check generators for raw plans: small windows of pages so that the page-by-page
// reference stays cheap, with every option in play.
import fc from "fast-check";
import * as abi from "../../../assembly/abi.ts";
import type { RawRequest, RawSetup } from "./raw_plan.ts";

export const PAGE = 4096;
export const BASE = 0x10000000;
export const USABLE = [0, 1, 2, 3];

const { MPOL_BIND: BIND, MPOL_INTERLEAVE: IL, MPOL_PREFERRED: PREF, MPOL_LOCAL: LOCAL,
  MPOL_DEFAULT: DEF, MPOL_PREFERRED_MANY: PM, MPOL_WEIGHTED_INTERLEAVE: WI } = abi;
const S = abi.MPOL_F_STATIC_NODES, R = abi.MPOL_F_RELATIVE_NODES, B = abi.MPOL_F_NUMA_BALANCING;

/** Policies the kernel accepts on usable nodes 0-3 (nodes 5-7 exist in masks but are unusable). */
export const POLICIES: { mode: number; nodes: number[] | null }[] = [
  { mode: BIND, nodes: [0] }, { mode: BIND, nodes: [0, 1] }, { mode: BIND | S, nodes: [1, 5] },
  { mode: BIND | B, nodes: [2] }, { mode: IL, nodes: [0, 1, 2, 3] }, { mode: IL, nodes: [1, 3, 6] },
  { mode: IL | R, nodes: [0, 2, 5] }, { mode: WI, nodes: [0, 1, 2] }, { mode: WI | S, nodes: [3, 2] },
  { mode: PREF, nodes: [2] }, { mode: PREF, nodes: null }, { mode: PREF, nodes: [] }, { mode: LOCAL, nodes: null },
  { mode: DEF, nodes: null }, { mode: DEF, nodes: [] }, { mode: PM, nodes: [1, 2] }, { mode: PM | B, nodes: [0, 3] },
];

const FLAGS = [0, 0, 0, abi.MPOL_MF_MOVE, abi.MPOL_MF_MOVE | abi.MPOL_MF_STRICT, abi.MPOL_MF_STRICT];

/** One request in a 64-page window: raw (aligned) or a buffer at any byte offset. */
export const request: fc.Arbitrary<RawRequest> = fc.record({
  page: fc.integer({ min: 0, max: 60 }),
  pages: fc.integer({ min: 1, max: 16 }),
  buffer: fc.boolean(),
  skew: fc.integer({ min: 0, max: 2 * PAGE }),
  policy: fc.integer({ min: 0, max: POLICIES.length - 1 }),
  flags: fc.constantFrom(...FLAGS),
}).map(({ page, pages, buffer, skew, policy, flags }) => {
  const p = POLICIES[policy]!;
  const addr = BASE + page * PAGE + (buffer ? skew - PAGE : 0);
  return { addr, len: pages * PAGE + (buffer ? skew % 977 : 0), mode: p.mode, flags, nodes: p.nodes, buffer };
});

/** Requests that are all valid page ranges (raw), for properties about successful plans. */
export const rawRequest: fc.Arbitrary<RawRequest> = request.map((r) => ({ ...r, buffer: false, addr: r.addr - (r.addr % PAGE), len: Math.max(PAGE, r.len - (r.len % PAGE)) }));

/** Options and facts, including odd block and chunk sizes (the engine rounds them up). */
export const setup: fc.Arbitrary<RawSetup> = fc.record({
  overlapError: fc.boolean().map((b) => b && Math.random() < 0.3),
  block: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 6 }).map((n) => n * PAGE), fc.integer({ min: 1, max: 5 * PAGE })),
  chunk: fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 8 }).map((n) => n * PAGE), fc.integer({ min: 1, max: 9 * PAGE })),
  huge: fc.constantFrom(0, 0, 4 * PAGE, 8 * PAGE),
  blockMode: fc.constantFrom(PREF, BIND),
  weights: fc.option(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 8 }), { nil: undefined }),
  explicit: fc.boolean(),
}).map(({ weights, explicit, ...s }) => ({
  ...s, pageSize: PAGE, usable: USABLE, weights,
  weightModes: (1 << WI) | (explicit && weights ? 1 << IL : 0),
}));

/** A batch: requests plus setup. */
export const batch = fc.tuple(fc.array(request, { minLength: 0, maxLength: 12 }), setup);
export const rawBatch = fc.tuple(fc.array(rawRequest, { minLength: 0, maxLength: 12 }), setup);

/** Tiles: consecutive ranges with small gaps (sorted and disjoint), optionally shuffled. */
export const tiles: fc.Arbitrary<RawRequest[]> = fc.record({
  parts: fc.array(fc.record({
    pages: fc.integer({ min: 1, max: 6 }), gap: fc.constantFrom(0, 0, 0, 1, 2),
    policy: fc.integer({ min: 0, max: POLICIES.length - 1 }), flags: fc.constantFrom(...FLAGS),
  }), { maxLength: 14 }),
  shuffle: fc.boolean(),
  seed: fc.integer(),
}).map(({ parts, shuffle, seed }) => {
  let page = 0;
  const out = parts.map(({ pages, gap, policy, flags }) => {
    page += gap;
    const p = POLICIES[policy]!;
    const r: RawRequest = { addr: BASE + page * PAGE, len: pages * PAGE, mode: p.mode, flags, nodes: p.nodes, buffer: false };
    page += pages;
    return r;
  });
  if (shuffle) {
    let s = seed >>> 0;
    for (let i = out.length - 1; i > 0; i--) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      const j = s % (i + 1);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
  }
  return out;
});

/** Batches of either shape. */
export const anyBatch = fc.oneof(batch, fc.tuple(tiles, setup));
export const anyRawBatch = fc.oneof(rawBatch, fc.tuple(tiles, setup));
