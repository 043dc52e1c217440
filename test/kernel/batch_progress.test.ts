import { describe, expect, test } from "vitest";
import {
  alloc, bindBatch, type BindRequest, free, getPolicy, movePages, numabind, type Policy,
  type ProgressInfo, topology,
} from "../../host/mod.ts";
import { firstPageOffset } from "../helpers/maps.ts";

// Progress: slices of ops (bindBatch) and chunks of pages (movePages), one FFI crossing each,
// sized toward a latency target, with callbacks at a bounded rate and a final (total, total).

const page = topology().pageSize;
type Call = [number, number, ProgressInfo];

function alternating(ab: ArrayBuffer, n: number): BindRequest[] {
  const skew = firstPageOffset(ab, page);
  const a: Policy = { mode: "bind", nodes: [0] }, b: Policy = { mode: "interleave", nodes: [0] };
  return Array.from({ length: n }, (_, i) => ({ target: new Uint8Array(ab, skew + i * page, page), policy: i & 1 ? a : b }));
}

describe("bindBatch({ onProgress })", () => {
  test("slices grow from 256 ops by at most 4x, progress rises to (total, total), and the result matches one crossing", () => {
    const ab = new ArrayBuffer(20_002 * page);
    const calls: Call[] = [];
    const r = bindBatch(alternating(ab, 20_000), { onProgress: (d, t, info) => calls.push([d, t, info]), progressIntervalMs: 0 });
    expect(r).toMatchObject({ ok: true, ops: 20_000, syscalls: 20_000, applied: 20_000 });
    expect(calls.length).toBeGreaterThan(2);
    expect(calls.at(-1)!.slice(0, 2)).toEqual([20_000, 20_000]);
    for (let i = 1; i < calls.length; i++) expect(calls[i]![0]).toBeGreaterThan(calls[i - 1]![0]);
    expect(calls[0]![2].lastItems).toBe(256);
    expect(calls[0]![0]).toBe(256);
    for (let i = 1; i < calls.length - 1; i++) {
      const ratio = calls[i]![2].lastItems / calls[i - 1]![2].lastItems;
      if (calls[i]![0] < 20_000) expect(ratio).toBeLessThanOrEqual(4);
    }
    expect(calls.at(-1)![2].calls).toBe(calls.length);
    expect(calls.at(-1)![2].maxMs).toBeGreaterThanOrEqual(calls.at(-1)![2].lastMs);
  });

  test("callbacks come at most once per progressIntervalMs, plus the final one", () => {
    const ab = new ArrayBuffer(20_002 * page);
    const at: number[] = [];
    const t0 = performance.now();
    const r = bindBatch(alternating(ab, 20_000), { onProgress: () => at.push(performance.now()), progressIntervalMs: 10 });
    const elapsed = performance.now() - t0;
    expect(r.ok).toBe(true);
    expect(at.length).toBeGreaterThanOrEqual(1);
    expect(at.length).toBeLessThanOrEqual(Math.floor(elapsed / 10) + 1);
    // The reporter reads the clock just before calling back; allow the callbacks' own jitter.
    for (let i = 1; i < at.length - 1; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(9);
  });

  test("skipped ops count as done: re-applying with skipUnchanged still ends at (total, total)", () => {
    const ab = new ArrayBuffer(2_002 * page);
    const reqs = alternating(ab, 2_000);
    bindBatch(reqs);
    const calls: Call[] = [];
    const r = bindBatch(reqs, { skipUnchanged: true, onProgress: (d, t, i) => calls.push([d, t, i]) });
    expect(r).toMatchObject({ ok: true, skipped: 2_000, syscalls: 0 });
    expect(calls.map((c) => c.slice(0, 2))).toEqual([[2_000, 2_000]]);
  });

  test("a batch that stops at a failure makes its final call with the ops handled", () => {
    const ab = new ArrayBuffer(1_002 * page);
    const reqs = alternating(ab, 1_000);
    const hole = { target: { addr: 4096n, length: 4096n }, policy: { mode: "bind", nodes: [0] } as Policy };
    const calls: Call[] = [];
    const r = bindBatch([hole, ...reqs], { unsafeRawAddress: true, onProgress: (d, t, i) => calls.push([d, t, i]) });
    expect(r.ok).toBe(false);
    expect(r.failed[0]).toMatchObject({ code: "EFAULT", index: 0, opIndex: 0 });
    expect(calls.map((c) => c.slice(0, 2))).toEqual([[1, 1_001]]);
  });
});

test("a failure on the last op of a slice stops the batch too (the 256th op: the first slice's last)", () => {
  const r0 = numabind.backend.mmap!(BigInt(300 * page), 1);
  if (typeof r0 === "number") throw new Error("mmap");
  const base = r0.addr;
  expect(numabind.backend.munmap!(base + BigInt(255 * page), BigInt(page))).toBe(0);
  const a: Policy = { mode: "bind", nodes: [0] }, b: Policy = { mode: "interleave", nodes: [0] };
  const requests = Array.from({ length: 300 }, (_, i) => ({ target: { addr: base + BigInt(i * page), length: BigInt(page) }, policy: i & 1 ? a : b }));
  const calls: Call[] = [];
  const r = bindBatch(requests, { unsafeRawAddress: true, progressIntervalMs: 0, onProgress: (d, t, i) => calls.push([d, t, i]) });
  expect(r).toMatchObject({ ok: false, applied: 255, syscalls: 256 });
  expect(r.failed.map((f) => [f.index, f.code])).toEqual([[255, "EFAULT"]]);
  expect(getPolicy(base + BigInt(256 * page)).mode).toBe("default");
  expect(calls.map((c) => c.slice(0, 2))).toEqual([[256, 300]]);
  numabind.backend.munmap!(base, BigInt(300 * page));
});

describe("movePages({ onProgress, targetChunkMs })", () => {
  test("with a latency target far below a call's time, chunks shrink 4x per call down to 1 page", () => {
    const buf = alloc(6_000 * page, { mode: "default" });
    new Uint8Array(buf).fill(1);
    const sizes: number[] = [];
    movePages(buf, 0, { targetChunkMs: 1e-6, progressIntervalMs: 0, onProgress: (_d, _t, i) => sizes.push(i.lastItems) });
    expect(sizes.slice(0, 7)).toEqual([4096, 1024, 256, 64, 16, 4, 1]);
    free(buf);
  });

  test("with a latency target far above a call's time, chunks grow 4x per call from chunkPages", () => {
    const buf = alloc(2_000 * page, { mode: "default" });
    new Uint8Array(buf).fill(1);
    const calls: Call[] = [];
    movePages(buf, 0, { chunkPages: 1, targetChunkMs: 1e6, progressIntervalMs: 0, onProgress: (d, t, i) => calls.push([d, t, i]) });
    expect(calls.map((c) => c[2].lastItems).slice(0, 6)).toEqual([1, 4, 16, 64, 256, 1024]);
    expect(calls.at(-1)!.slice(0, 2)).toEqual([2_000, 2_000]);
    free(buf);
  });

  test("progress is rate-bounded: a quick move with a long interval reports once, at the end", () => {
    const buf = alloc(3_000 * page, { mode: "default" });
    new Uint8Array(buf).fill(1);
    const calls: Call[] = [];
    movePages(buf, 0, { chunkPages: 16, targetChunkMs: 1e6, progressIntervalMs: 60_000, onProgress: (d, t, i) => calls.push([d, t, i]) });
    expect(calls.map((c) => c.slice(0, 2))).toEqual([[3_000, 3_000]]);
    expect(calls[0]![2].calls).toBeGreaterThan(3);
    free(buf);
  });
});
