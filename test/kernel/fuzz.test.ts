import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { root, runChild } from "../helpers/child.ts";

// No input through the public API may abort the process: fast-check throws argument shapes at
// every function in a child process, so an abort (ffi-rs panics, a segfault, a V8 fatal error)
// is a failed exit status here instead of the end of the test runner. Every call must return
// or throw an Error. Raw addresses stay inside memory the child owns, and pids stay on the
// child itself or on pids that do not exist: the fuzz never touches anyone else's pages.

const RUNS = 1500;

const CHILD = `
const { createRequire } = await import("node:module");
const fc = createRequire(${JSON.stringify(join(root, "package.json"))})("fast-check");
const page = nb.topology().pageSize;
const own = nb.alloc(64 * page, { mode: "default" });
new Uint8Array(own).fill(1, 0, 8 * page);
const ownAddr = nb.numabind.backend.addressOf(new Uint8Array(own));

function detached() { const ab = new ArrayBuffer(3 * page); structuredClone(ab, { transfer: [ab] }); return ab; }
function freed() { const b = nb.alloc(2 * page, { mode: "default" }); nb.free(b); return b; }
const throwing = new Proxy({}, { get() { throw new Error("trap"); }, has() { throw new Error("trap"); }, ownKeys() { throw new Error("trap"); } });
const getterBomb = { get mode() { throw new Error("getter"); }, nodes: [0] };

// Hostile targets over the child's own region: their real extent is inside it, whatever they
// claim (hostile_targets.test.ts checks the neighbours; here nothing may abort).
const { runInNewContext } = await import("node:vm");
class Liar extends Uint8Array { get byteLength() { return 2 ** 40; } get byteOffset() { return -4096; } get buffer() { return new ArrayBuffer(8); } }
const lying = (v) => Object.defineProperties(v, { byteOffset: { value: -(2 ** 20) }, byteLength: { value: 2 ** 36 } });
const specials = fc.constantFrom(
  "detached", "detachedView", "empty", "freed", "own", "ownView", "sab", "dataView", "f64", "tinyView",
  "rawOwn", "rawHuge", "rawWrap", "rawNumber", "rawMixed", "rawNeg", "rawZero", "proxy", "getterBomb", "bigHuge",
  "liar", "lyingView", "lyingDataView", "realmView", "proxyView", "fakeView",
);
const special = (k) => {
  switch (k) {
    case "detached": return detached();
    case "detachedView": { const ab = new ArrayBuffer(2 * page); const v = new Uint8Array(ab, 1); structuredClone(ab, { transfer: [ab] }); return v; }
    case "empty": return new ArrayBuffer(0);
    case "freed": return freed();
    case "own": return own;
    case "ownView": return new Float32Array(own, 4 * page, 3 * page / 4);
    case "sab": return new SharedArrayBuffer(4 * page);
    case "dataView": return new DataView(new ArrayBuffer(3 * page), 7);
    case "f64": return new Float64Array(3 * page / 8);
    case "tinyView": return new Uint8Array(own, 5, 1);
    case "rawOwn": return { addr: ownAddr + BigInt(8 * page), length: BigInt(4 * page) };
    case "rawHuge": return { addr: ownAddr, length: 2n ** 63n };
    case "rawWrap": return { addr: 2n ** 64n - BigInt(page), length: BigInt(2 * page) };
    case "rawNumber": return { addr: Number(ownAddr), length: page };
    case "rawMixed": return { addr: ownAddr, length: page };
    case "rawNeg": return { addr: -BigInt(page), length: BigInt(page) };
    case "rawZero": return { addr: ownAddr, length: 0n };
    case "proxy": return throwing;
    case "getterBomb": return getterBomb;
    case "bigHuge": return 2n ** 70n;
    case "liar": return new Liar(own, 8 * page, 8 * page);
    case "lyingView": return lying(new Uint32Array(own, 8 * page, 2 * page));
    case "lyingDataView": return lying(new DataView(own, 8 * page, 8 * page));
    case "realmView": return runInNewContext("(ab, o, n) => new Uint8Array(ab, o, n)")(own, 8 * page, 8 * page);
    case "proxyView": return new Proxy(new Uint8Array(own, 8 * page, 8 * page), {});
    case "fakeView": return Object.create(Uint8Array.prototype);
  }
};
const value = fc.oneof(
  // Specials travel as "§name" tokens and become values inside the property, so fast-check
  // never handles a detached buffer or a throwing proxy itself.
  { weight: 3, arbitrary: specials.map((k) => "§" + k) },
  { weight: 2, arbitrary: fc.anything({ withBigInt: true, withTypedArray: true, withSparseArray: true, withNullPrototype: true, maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -1, 1, 0.5, NaN, Infinity, -Infinity, 2 ** 53, 2 ** 64, -0, 1e308, "0-3", "", "all") },
);
const mode = fc.constantFrom("default", "preferred", "bind", "interleave", "local", "preferred-many", "weighted-interleave", "nope", 2, null);
const nodes = fc.oneof(fc.constant(undefined), fc.array(fc.oneof(fc.integer({ min: -2, max: 70 }), value), { maxLength: 4 }), value);
const policy = fc.oneof(
  { weight: 3, arbitrary: fc.record({ mode, nodes, static: fc.oneof(fc.boolean(), value), relative: fc.boolean(), balancing: fc.boolean() }, { requiredKeys: ["mode"] }) },
  { weight: 1, arbitrary: value },
);
const flags = fc.oneof(fc.constant(undefined), fc.record({ strict: fc.boolean(), move: fc.boolean(), moveAll: fc.oneof(fc.boolean(), value) }), value);
const opts = fc.oneof(fc.constant(undefined), value, fc.record({
  unsafeRawAddress: fc.oneof(fc.constant(true), value), pageSize: fc.oneof(fc.constantFrom(page, 4096, 3, 2 ** 21), value),
  chunkPages: fc.oneof(fc.integer({ min: -1, max: 9 }), value), targetChunkMs: value, onProgress: fc.oneof(fc.constant(() => { throw new Error("progress"); }), value),
  moveAll: fc.boolean(), continueOnError: fc.boolean(), overlap: value,
  atomic: fc.oneof(fc.boolean(), value), skipUnchanged: fc.oneof(fc.boolean(), value), progressIntervalMs: value, mapReserve: value,
}, { requiredKeys: [] }));
// Pids: this process, or none that exists; never someone else's.
const pid = fc.oneof(fc.constantFrom(0, process.pid, 0x7ffffff0, -1, 1.5, NaN), value.filter((v) => !(Number.isInteger(v) && v > 0 && v !== process.pid)));

const call = fc.oneof(
  fc.tuple(fc.constant("bind"), value, policy, flags, opts),
  fc.tuple(fc.constant("bindBatch"), fc.oneof(fc.array(fc.record({ target: value, policy, flags }), { maxLength: 5 }), value), opts),
  fc.tuple(fc.constant("plan"), fc.oneof(fc.array(fc.record({ target: value, policy }), { maxLength: 5 }), value), opts),
  fc.tuple(fc.constant("getPolicy"), value),
  fc.tuple(fc.constant("verify"), fc.oneof(value, fc.constant({ ops: [] })), opts),
  fc.tuple(fc.constant("locate"), value, opts),
  fc.tuple(fc.constant("movePages"), value, fc.oneof(fc.integer({ min: -2, max: 3 }), value, fc.constant(new Int32Array(3))), opts),
  fc.tuple(fc.constant("migratePages"), pid, nodes, nodes),
  fc.tuple(fc.constant("alloc"), fc.oneof(fc.integer({ min: -2, max: 8 * page }), fc.bigInt({ min: -2n, max: 2n ** 64n }), value), policy, flags),
  fc.tuple(fc.constant("free"), value),
  fc.tuple(fc.constant("isFreed"), value),
  fc.tuple(fc.constant("setThreadPolicy"), policy),
  fc.tuple(fc.constant("getThreadPolicy")),
  fc.tuple(fc.constant("available")),
);

const mat = (v, depth = 0) => {
  if (typeof v === "string" && v.startsWith("§")) return special(v.slice(1));
  if (depth > 2 || v === null || typeof v !== "object" || ArrayBuffer.isView(v)) return v;
  if (Array.isArray(v)) return v.map((x) => mat(x, depth + 1));
  if (Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null) return v;
  const o = Object.getPrototypeOf(v) === null ? Object.create(null) : {};
  for (const k of Object.keys(v)) o[k] = mat(v[k], depth + 1);
  return o;
};
let calls = 0;
const bad = [];
fc.assert(fc.property(call, ([fn, ...raw]) => {
  calls++;
  try {
    const args = raw.map((a) => mat(a));
    const r = nb[fn](...args);
    if (fn === "alloc") nb.free(r);
  } catch (e) {
    if (!(e instanceof Error)) bad.push({ fn, thrown: String(e) });
  } finally {
    nb.setThreadPolicy({ mode: "default" });
  }
}), { numRuns: ${RUNS}, seed: Number(process.env.FUZZ_SEED ?? 20240611) });
report({ calls, bad: bad.slice(0, 5), badCount: bad.length });
`;

describe("no input through the public API aborts the process", () => {
  test(`fast-check: ${RUNS} calls with wrong types, detached and freed buffers, lying and foreign views, zero and huge lengths, BigInt/number mixes`, () => {
    const child = runChild(CHILD, { timeoutMs: 240_000 });
    expect(child.signal).toBeNull();
    expect(child.stderr).toBe("");
    expect(child.status).toBe(0);
    expect(child.result).toEqual({ calls: RUNS, bad: [], badCount: 0 });
  });
});
