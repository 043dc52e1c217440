/// <reference lib="deno.ns" />
// numabind under Deno, against the real kernel, with the documented permissions only
// (--allow-ffi --allow-read=<package>): the same entry points as on Node, checked through
// get_mempolicy and move_pages. Run by `npm test` (the deno binary of the deno dev dependency).
import assert from "node:assert/strict";
import * as nb from "../../host/deno.ts";

const page = nb.topology().pageSize;
const pages = (buf: ArrayBuffer, i: number, n = 1) => new Uint8Array(buf, i * page, n * page);

Deno.test("available(): the shim through Deno.dlopen, every probe ok", () => {
  const a = nb.available();
  assert.equal(a.ok, true);
  assert.equal(a.backend, "deno+shim");
  assert.equal(a.path, "shim");
  assert.equal(a.pathReason, undefined);
});

Deno.test("bind() and getPolicy(): a view's pages take the policy, its neighbours keep theirs", () => {
  const buf = nb.alloc(8 * page, { mode: "default" });
  nb.bind(pages(buf, 2, 2), { mode: "interleave", nodes: [0] });
  assert.equal(nb.getPolicy(pages(buf, 2)).mode, "interleave");
  assert.equal(nb.getPolicy(pages(buf, 3)).mode, "interleave");
  assert.equal(nb.getPolicy(pages(buf, 1)).mode, "default");
  assert.equal(nb.getPolicy(pages(buf, 4)).mode, "default");
  nb.free(buf);
});

Deno.test("bind() in a loop over two buffers and alternating policies: each page reads back its own mode and mask", () => {
  const a = nb.alloc(6 * page, { mode: "default" }), b = nb.alloc(6 * page, { mode: "default" });
  const modes = ["bind", "preferred", "interleave"] as const;
  for (let i = 0; i < 12; i++) nb.bind(pages(i & 1 ? b : a, i >> 1), { mode: modes[i % 3]!, nodes: i % 2 ? [0] : "0" });
  for (let i = 0; i < 12; i++) {
    const got = nb.getPolicy(pages(i & 1 ? b : a, i >> 1));
    assert.equal(got.mode, modes[i % 3]);
    assert.deepEqual(got.nodes?.toArray(), [0]);
  }
  nb.free(a);
  assert.throws(() => nb.bind(pages(a, 0), { mode: "bind", nodes: [0] }), /released by free\(\)/);
  nb.bind(pages(b, 0), { mode: "default" });
  assert.equal(nb.getPolicy(pages(b, 0)).mode, "default");
  nb.free(b);
});

Deno.test("the same view bound again binds its current extent: a resizable buffer grown, then transferred away", () => {
  const rab = new ArrayBuffer(2 * page, { maxByteLength: 8 * page });
  const view = new Uint8Array(rab);
  nb.bind(view, { mode: "bind", nodes: [0] });
  rab.resize(6 * page);
  nb.bind(view, { mode: "preferred", nodes: [0] });
  assert.deepEqual([0, 1, 5].map((i) => nb.getPolicy(new Uint8Array(rab, i * page, page)).mode), ["preferred", "preferred", "preferred"]);
  const moved = rab.transfer(); // detaches rab: the view spans nothing now
  assert.equal(view.byteLength, 0);
  assert.throws(() => nb.bind(view, { mode: "interleave", nodes: [0] }), nb.NumaError);
  assert.notEqual(nb.getPolicy(new Uint8Array(moved, 0, page)).mode, "interleave");
});

Deno.test("a mask wider than the shim's call block (17 words) binds through the batch entry point, and its errno comes back", () => {
  const b = nb.numabind.backend, words = 17;
  const buf = nb.alloc(4 * page, { mode: "default" });
  const at = Number(b.addressOf(new Uint8Array(buf))) + page; // alloc() returns whole pages
  const mask = new Uint8Array(words * 8);
  mask[0] = 1; // node 0
  assert.equal(b.mbindOne!(at, page, 3, 0, mask, words), 0);
  assert.equal(nb.getPolicy(pages(buf, 1)).mode, "interleave");
  assert.equal(nb.getPolicy(pages(buf, 0)).mode, "default");
  mask[130] = 1; // node 1040: at or above MAX_NUMNODES (at most 1024 on x86-64 and arm64), so the kernel refuses the mask
  assert.equal(b.mbindOne!(at, page, 2, 0, mask, words), -22);
  assert.equal(nb.getPolicy(pages(buf, 1)).mode, "interleave");
  nb.free(buf);
});

Deno.test("bindBatch(): alternating policies in one crossing, verify() agrees with the kernel", () => {
  const buf = nb.alloc(32 * page, { mode: "default" });
  const requests = Array.from({ length: 32 }, (_, i) => ({ target: pages(buf, i), policy: { mode: i % 2 ? "bind" : "preferred", nodes: "0" } as const }));
  const r = nb.bindBatch(requests);
  assert.equal(r.ok, true);
  assert.equal(r.syscalls, 32);
  for (let i = 0; i < 32; i++) assert.equal(nb.getPolicy(pages(buf, i)).mode, i % 2 ? "bind" : "preferred");
  new Uint8Array(buf).fill(1);
  assert.deepEqual(nb.verify(r).mismatches, []);
  nb.free(buf);
});

Deno.test("an atomic bindBatch that meets a real EFAULT rolls back what it applied", () => {
  const buf = nb.alloc(4 * page, { mode: "default" });
  const r = nb.bindBatch([
    { target: pages(buf, 0, 2), policy: { mode: "bind", nodes: [0] } },
    { target: { addr: BigInt(page), length: BigInt(page) }, policy: { mode: "bind", nodes: [0] } }, // unmapped
  ], { atomic: true, unsafeRawAddress: true });
  assert.equal(r.ok, false);
  assert.equal(r.rolledBack, true);
  assert.equal(r.failed[0]!.code, "EFAULT");
  assert.equal(nb.getPolicy(pages(buf, 0)).mode, "default");
  nb.free(buf);
});

Deno.test("a RangeBatch: columns over one buffer", () => {
  const buf = nb.alloc(16 * page, { mode: "default" });
  const r = nb.bindBatch({
    target: buf, offsets: Float64Array.from({ length: 8 }, (_, i) => 2 * i * page), lengths: new Float64Array(8).fill(page),
    policies: [{ mode: "bind", nodes: "0" }, { mode: "interleave", nodes: "0" }], policyIndex: Uint8Array.from({ length: 8 }, (_, i) => i & 1),
  });
  assert.equal(r.ok, true);
  assert.equal(nb.getPolicy(pages(buf, 2)).mode, "interleave");
  assert.equal(nb.getPolicy(pages(buf, 1)).mode, "default");
  nb.free(buf);
});

Deno.test("alloc(), locate() and free(): pages land on the node, and free() gives them back", () => {
  const node = nb.topology().nodes[0]!.id;
  const buf = nb.alloc(8 * page, { mode: "bind", nodes: [node] });
  assert.deepEqual([...nb.locate(buf)], Array(8).fill(-2)); // untouched
  new Uint8Array(buf).fill(7);
  assert.deepEqual([...nb.locate(buf)], Array(8).fill(node));
  nb.free(buf);
  assert.equal(nb.isFreed(buf), true);
  assert.equal(nb.getPolicy(buf).mode, "default");
});

Deno.test("the thread policy: set, read back, and reset", () => {
  nb.setThreadPolicy({ mode: "preferred", nodes: [0] });
  try {
    assert.equal(nb.getThreadPolicy().mode, "preferred");
  } finally {
    nb.setThreadPolicy({ mode: "default" });
  }
  assert.equal(nb.getThreadPolicy().mode, "default");
});

Deno.test("placement: affinity round-trips and currentCpu follows", () => {
  const all = nb.getAffinity();
  try {
    const cpu = all.toArray()[0]!;
    assert.deepEqual(nb.setAffinity([cpu]).toArray(), [cpu]);
    assert.equal(nb.currentCpu().cpu, cpu);
  } finally { nb.setAffinity(all); }
});

Deno.test("/proc and /sys are read through libc: numaMaps() and topology() with no --allow-all", () => {
  assert.ok(nb.numaMaps().length > 0);
  assert.ok(nb.topology().nodes.length > 0);
});
