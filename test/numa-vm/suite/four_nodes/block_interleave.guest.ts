// Interleave by blocks with weights (bindBatch/plan options interleaveBlock, weights,
// blockPolicy; host/core/plan_options.ts): the engine cuts an interleave request into blocks of
// interleaveBlock bytes counted from address 0, and sends block b to the node at position
// b mod (sum of weights) of the mask's nodes repeated by weight, weights indexed by node id.
// Each block is one policy of its own, `preferred` to its node by default or `bind` with
// blockPolicy "bind". With plenty of free memory on every node a page lands where its block
// says, so locate() must match the layout page by page and numa_maps in count.
import { describe, expect, test } from "vitest";
import { bindBatch, locate, type PlanOptions } from "../../../../host/mod.ts";
import { alignedRegion, countNodes, page, pageNumber, placementOf, touch } from "../placement.ts";

const BLOCK = 8;   // pages

/** The node of each page of `count` from absolute page number `first`: block by block. */
function layout(first: number, count: number, mask: readonly number[], weights: readonly number[]): number[] {
  // Each node of the mask, in ascending order, repeated by its weight (weights[node]; 1 past the end).
  const cycle = [...mask].sort((a, b) => a - b).flatMap((n) => Array(weights[n] ?? 1).fill(n) as number[]);
  return Array.from({ length: count }, (_, i) => cycle[Math.floor((first + i) / BLOCK) % cycle.length]!);
}

/** numa_maps policy text of each mapping, in address order: one per run of equal nodes. */
function mappings(pages: readonly number[], mode: "prefer" | "bind"): string[] {
  return pages.filter((n, i) => i === 0 || n !== pages[i - 1]).map((n) => `${mode}:${n}`);
}

/** Binds `r` by blocks, touches it, and checks every page and numa_maps against `want`. */
function expectBlocks(r: Uint8Array, mask: number[], opts: PlanOptions, want: number[], mode: "prefer" | "bind"): void {
  const res = bindBatch([{ target: r, policy: { mode: "interleave", nodes: mask } }], opts);
  expect(res).toMatchObject({ ok: true, failed: [] });
  touch(r);
  expect([...locate(r)]).toEqual(want);
  const p = placementOf(r);
  expect(p.policies).toEqual(mappings(want, mode));
  expect(p.perNode).toEqual(countNodes(want));
}

const opts = { interleaveBlock: BLOCK * page, weights: [3, 1] };

describe("block interleave with weights", () => {
  test("weights 3:1 over nodes 0 and 1 from a cycle boundary: 96:32 pages, three blocks on 0 then one on 1", () => {
    const n = 128;
    const r = alignedRegion(n, 4 * BLOCK);
    const want = layout(pageNumber(r), n, [0, 1], opts.weights);
    expect(countNodes(want)).toEqual({ 0: 96, 1: 32 });
    expect(want.slice(0, 4 * BLOCK)).toEqual([...Array(3 * BLOCK).fill(0), ...Array(BLOCK).fill(1)]);
    expectBlocks(r, [0, 1], opts, want, "prefer");
  });

  test("blocks are counted from address 0: a region one block past a cycle boundary starts two blocks before node 1", () => {
    const n = 128;
    const r = alignedRegion(n + BLOCK, 4 * BLOCK).subarray(BLOCK * page);
    const want = layout(pageNumber(r), n, [0, 1], opts.weights);
    // Counted from the region's start instead, node 1 would come three blocks in.
    expect(want).not.toEqual(layout(0, n, [0, 1], opts.weights));
    expect(want.slice(0, 4 * BLOCK)).toEqual([...Array(2 * BLOCK).fill(0), ...Array(BLOCK).fill(1), ...Array(BLOCK).fill(0)]);
    expect(countNodes(want)).toEqual({ 0: 96, 1: 32 });
    expectBlocks(r, [0, 1], opts, want, "prefer");
  });

  test("weights are indexed by node id: weights [1, 1, 1, 3] over nodes 2 and 3 give node 3 three blocks in four", () => {
    const n = 128;
    const weights = [1, 1, 1, 3];
    const r = alignedRegion(n, 4 * BLOCK);
    const want = layout(pageNumber(r), n, [2, 3], weights);
    // By position in the mask (weights[0], weights[1]) it would be 1:1.
    expect(countNodes(want)).toEqual({ 2: 32, 3: 96 });
    expectBlocks(r, [2, 3], { interleaveBlock: BLOCK * page, weights }, want, "prefer");
  });

  test("blockPolicy \"bind\" binds each block strictly to its node, in the same 3:1 layout", () => {
    const n = 64;
    const r = alignedRegion(n, 4 * BLOCK);
    const want = layout(pageNumber(r), n, [0, 1], opts.weights);
    expect(countNodes(want)).toEqual({ 0: 48, 1: 16 });
    expectBlocks(r, [0, 1], { ...opts, blockPolicy: "bind" }, want, "bind");
  });
});
