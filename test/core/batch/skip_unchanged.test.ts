import { expect, test } from "vitest";
import { NO_MASK, OP_SIZE } from "../../../assembly/abi.ts";
import { type OpSnapshot, unchangedOps } from "../../../host/core/batch/mod.ts";
import { Nodemask } from "../../../host/core/policy/mod.ts";

// Op k covers [k * 0x1000, (k + 1) * 0x1000); each op is one piece unless said otherwise.
function ops(list: { mode: number; mask: number; flags?: number }[]): Uint32Array {
  const u = new Uint32Array(list.length * (OP_SIZE >>> 2));
  list.forEach((o, k) => {
    const r = k * (OP_SIZE >>> 2);
    u[r] = k * 0x1000; u[r + 2] = 0x1000; u[r + 4] = o.mode; u[r + 5] = o.flags ?? 0; u[r + 6] = o.mask;
  });
  return u;
}
function snapshot(n: number, reported: { mode: number; nodes: number[] }[], covered = new Uint8Array(n).fill(1)): OpSnapshot {
  const masks = new Uint32Array(reported.length * 2), modes = new Int32Array(reported.length);
  reported.forEach((r, i) => { modes[i] = r.mode; masks.set(Nodemask.of(...r.nodes).toWords(1), i * 2); });
  return {
    start: Float64Array.from(reported, (_, i) => i * 0x1000), end: Float64Array.from(reported, (_, i) => (i + 1) * 0x1000),
    firstPiece: Uint32Array.from({ length: n + 1 }, (_, k) => Math.min(k, reported.length)), covered,
    addrs: new BigUint64Array(reported.length),
    policies: { modes, masks, words: 1, errnos: new Int32Array(reported.length) },
  };
}
// The op mask table: mask 0 = {0, 5}, mask 1 = {0}.
const masks32 = Uint32Array.of(0b100001, 0, 1, 0);
const usable = Nodemask.of(0, 1);

test("unchangedOps() marks ops whose pieces report the op's kernel form, and only those", () => {
  const list = [
    { mode: 2, mask: 0 },          // bind {0,5}: the kernel keeps {0}
    { mode: 2 | 0x8000, mask: 0 }, // bind static {0,5}: reports {0,5}
    { mode: 0, mask: NO_MASK },    // default
    { mode: 1, mask: NO_MASK },    // preferred without nodes = local
    { mode: 3, mask: 1 },          // interleave {0}, but the range has bind {0}
    { mode: 2, mask: 1, flags: 2 },// bind {0} with move: never skipped
    { mode: 2, mask: 1 },          // bind {0}, but the op covers a hole
  ];
  const covered = Uint8Array.of(1, 1, 1, 1, 1, 1, 0);
  const s = snapshot(7, [
    { mode: 2, nodes: [0] }, { mode: 0x8002, nodes: [0, 5] }, { mode: 0, nodes: [] }, { mode: 4, nodes: [] },
    { mode: 2, nodes: [0] }, { mode: 2, nodes: [0] }, { mode: 2, nodes: [0] },
  ], covered);
  const u = ops(list);
  expect(Array.from(unchangedOps({ u32: u, count: 7 }, masks32, 1, s, usable))).toEqual([1, 1, 1, 1, 0, 0, 0]);
});

test("unchangedOps() needs every piece of an op to match, and a readable policy", () => {
  const u = ops([{ mode: 2, mask: 1 }]);
  const two = snapshot(1, [{ mode: 2, nodes: [0] }, { mode: 3, nodes: [0] }]);
  two.firstPiece = Uint32Array.of(0, 2);
  expect(unchangedOps({ u32: u, count: 1 }, masks32, 1, two, usable)[0]).toBe(0);
  two.policies.modes[1] = 2;
  expect(unchangedOps({ u32: u, count: 1 }, masks32, 1, two, usable)[0]).toBe(1);
  two.policies.errnos[1] = 14;
  expect(unchangedOps({ u32: u, count: 1 }, masks32, 1, two, usable)[0]).toBe(0);
});
