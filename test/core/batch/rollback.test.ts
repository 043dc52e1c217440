import { expect, test } from "vitest";
import { OP_SIZE } from "../../../assembly/abi.ts";
import type { Backend } from "../../../host/core/backend/mod.ts";
import { type OpSnapshot, prepareRestore, rollback } from "../../../host/core/batch/mod.ts";
import { Nodemask } from "../../../host/core/policy/mod.ts";

const P = 0x1000;
/** Pieces [start, end) with prior policies (mode, nodes), one word masks, addresses from P. */
function snap(pieces: [number, number, number, number[]][]): OpSnapshot {
  const modes = Int32Array.from(pieces, (p) => p[2]);
  const masks = new Uint32Array(pieces.length * 2);
  pieces.forEach((p, i) => masks.set(Nodemask.of(...p[3]).toWords(1), 2 * i));
  return {
    start: Float64Array.from(pieces, (p) => p[0]), end: Float64Array.from(pieces, (p) => p[1]),
    firstPiece: Uint32Array.from({ length: pieces.length + 1 }, (_, i) => i), covered: new Uint8Array(pieces.length).fill(1),
    addrs: BigUint64Array.from(pieces, (p) => BigInt(p[0])),
    policies: { modes, masks, words: 1, errnos: new Int32Array(pieces.length) },
  };
}
const rec = (records: Uint8Array, r: number) => {
  const u = new Uint32Array(records.buffer, r * OP_SIZE, 8);
  return { addr: u[0]!, len: u[2]!, mode: u[4]!, mask: u[6]! };
};

test("prepareRestore() makes one op per run of adjacent pieces with equal prior policies, NULL masks for default and local", () => {
  const s = snap([
    [P, 2 * P, 0, []], [2 * P, 3 * P, 0, []],          // default, default: one op
    [3 * P, 4 * P, 0x8002, [0, 5]], [4 * P, 5 * P, 0x8002, [0, 5]], // static bind: one op
    [5 * P, 6 * P, 0x8002, [0]],                        // other mask: its own op
    [7 * P, 8 * P, 0x8002, [0]],                        // not adjacent: its own op
    [8 * P, 9 * P, 4, []],                              // local
  ]);
  const r = prepareRestore(s);
  expect(r.count).toBe(5);
  expect(Array.from(r.firstPiece.subarray(0, 6))).toEqual([0, 2, 4, 5, 6, 7]);
  expect(rec(r.records, 0)).toEqual({ addr: P, len: 2 * P, mode: 0, mask: 0xffffffff });
  expect(rec(r.records, 1)).toEqual({ addr: 3 * P, len: 2 * P, mode: 0x8002, mask: 2 });
  expect(rec(r.records, 4)).toEqual({ addr: 8 * P, len: P, mode: 4, mask: 0xffffffff });
});

/** A kernel stand-in: mbind results per call, get_mempolicy answers from a table. */
function stub(results: number[][], now: (addr: number) => [number, number[]]): { backend: Backend; calls: { addr: number; len: number }[][] } {
  const calls: { addr: number; len: number }[][] = [];
  const backend = {
    name: "stub", probe: () => ({ ok: true, backend: "stub" }), addressOf: () => 0n,
    mbindBatch(ops: Uint8Array, count: number, _m: Uint8Array, _w: number, errnos: Uint8Array) {
      const u = new Uint32Array(ops.buffer, ops.byteOffset, count * 8), e = new Int32Array(errnos.buffer, errnos.byteOffset, count);
      const r = results[calls.length] ?? [];
      calls.push(Array.from({ length: count }, (_, i) => ({ addr: u[i * 8]!, len: u[i * 8 + 2]! })));
      for (let i = 0; i < count; i++) e[i] = r[i] ?? 0;
      return count;
    },
    getMempolicyBatch(addrs: Uint8Array, count: number, modes: Uint8Array, masks: Uint8Array, words: number, _f: number, errnos: Uint8Array) {
      const a = new BigUint64Array(addrs.buffer, addrs.byteOffset, count);
      const m = new Int32Array(modes.buffer, modes.byteOffset, count), k = new Uint32Array(masks.buffer, masks.byteOffset, count * words * 2);
      for (let i = 0; i < count; i++) { const [mode, nodes] = now(Number(a[i])); m[i] = mode; k.set(Nodemask.of(...nodes).toWords(words), i * words * 2); }
      new Int32Array(errnos.buffer, errnos.byteOffset, count).fill(0);
      return 0;
    },
  } as unknown as Backend;
  return { backend, calls };
}

test("rollback() retries failed restores while that helps, stops when it does not, and reports every range it could not restore (backend stub: restores that fail need a process at vm.max_map_count)", () => {
  const s = snap([[P, 2 * P, 2, [0]], [3 * P, 4 * P, 3, [0]], [5 * P, 6 * P, 0, []]]);
  // Pass 1: the second restore fails with ENOMEM; pass 2 it succeeds.
  const ok = stub([[0, 12, 0], [0]], (a) => (a === P ? [2, [0]] : a === 3 * P ? [3, [0]] : [0, []]));
  const out = rollback(ok.backend, s, prepareRestore(s), 3);
  expect(out).toMatchObject({ ok: true, passes: 2, syscalls: 4, failed: [] });
  expect(ok.calls[1]).toEqual([{ addr: 3 * P, len: P }]);

  // The second restore keeps failing: two passes (no progress), and it is reported with its errno.
  const bad = stub([[0, 12, 0], [12]], (a) => (a === 3 * P ? [2, [0]] : a === P ? [2, [0]] : [0, []]));
  const out2 = rollback(bad.backend, s, prepareRestore(s), 3);
  expect(out2.ok).toBe(false);
  expect(out2.passes).toBe(2);
  expect(out2.failed).toEqual([{ range: { addr: BigInt(3 * P), length: BigInt(P) }, expected: "interleave:0", actual: "bind:0", code: "ENOMEM", errno: 12 }]);

  // Every mbind succeeds but a piece reads back wrong: still reported, without an errno.
  const lie = stub([[0, 0, 0]], (a) => (a === 5 * P ? [4, []] : a === P ? [2, [0]] : [3, [0]]));
  expect(rollback(lie.backend, s, prepareRestore(s), 3).failed).toEqual([
    { range: { addr: BigInt(5 * P), length: BigInt(P) }, expected: "default", actual: "local" },
  ]);
});

test("rollback() restores only the pieces up to the failing op, cutting a run that reaches past it", () => {
  const s = snap([[P, 2 * P, 0, []], [2 * P, 3 * P, 0, []], [3 * P, 4 * P, 0, []]]);
  const k = stub([[0]], () => [0, []]);
  expect(rollback(k.backend, s, prepareRestore(s), 2).ok).toBe(true);
  expect(k.calls).toEqual([[{ addr: P, len: 2 * P }]]);
});
