// How long a policy lasts: numabind ends it with the buffer object it was set through, so the
// allocator's next buffer at those pages does not inherit it (docs/api.md "Whose pages").
// Each case runs in a child with --expose-gc and reads the pages' policy back with
// get_mempolicy at the address the buffer had.
import { describe, expect, test } from "vitest";
import { distUrl, runChild } from "../helpers/child.ts";

// `addrOf(t)` is the first whole page a target owns, as the planner rounds it (no syscall);
// `collect()` collects and lets the registry's callbacks and the reset run.
const prelude = `
const addrOf = (t) => nb.plan([{ target: t, policy: { mode: "default" } }]).ops[0].addr;
const collect = async () => { for (let i = 0; i < 3; i++) { gc(); await new Promise((r) => setTimeout(r, 20)); } };
const modeAt = (a) => nb.getPolicy(a).mode;
const interleave = { mode: "interleave", nodes: "0" };
// A worker running \`body\` with \`parentPort\`, \`workerData\` and its own \`nb\` in scope.
const worker = async (body) => {
  const { Worker } = await import("node:worker_threads");
  return new Worker('const { parentPort, workerData } = await import("node:worker_threads");\\n'
    + "const nb = await import(workerData.mod);\\n" + body, { eval: true, workerData: { mod: ${JSON.stringify(distUrl())} } });
};
`;

const run = (body: string) => {
  const r = runChild(prelude + body, { nodeArgs: ["--expose-gc"] });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return r.result as Record<string, string>;
};

describe("a policy ends with the buffer it was set through", () => {
  test("bind(), bindBatch() and a RangeBatch: a collected heap buffer's pages read back default", () => {
    const r = run(`
const bound = {};
const binders = {
  bind: (ab) => nb.bind(ab, interleave),
  bindBatch: (ab) => nb.bindBatch([{ target: new Uint8Array(ab, 0, 32768), policy: interleave }, { target: new Uint8Array(ab, 32768), policy: interleave }]),
  rangeBatch: (ab) => nb.bindBatch({ target: ab, offsets: [0], lengths: [65536], policies: [interleave], policyIndex: [0] }),
};
const addrs = {};
for (const [name, bindIt] of Object.entries(binders)) {
  (() => {
    const ab = new ArrayBuffer(65536);
    bindIt(ab);
    addrs[name] = addrOf(ab);
    bound[name] = modeAt(addrs[name]);
  })();
}
await collect();
const after = Object.fromEntries(Object.entries(addrs).map(([k, a]) => [k, modeAt(a)]));
report({ bound, after });
`);
    expect(r.bound).toEqual({ bind: "interleave", bindBatch: "interleave", rangeBatch: "interleave" });
    expect(r.after).toEqual({ bind: "default", bindBatch: "default", rangeBatch: "default" });
  });

  test("a live buffer over the same memory keeps its policy: transferred, then bound again", () => {
    const r = run(`
let first, kept;
(() => {
  const ab = new ArrayBuffer(65536);
  nb.bind(ab, interleave);
  first = addrOf(ab);
  kept = structuredClone(ab, { transfer: [ab] });   // same memory, new object; ab is detached
  nb.bind(kept, interleave);
})();
await collect();
report({ same: addrOf(kept) === first, mode: modeAt(first), length: kept.byteLength });
`);
    expect(r).toEqual({ same: true, mode: "interleave", length: 65536 });
  });

  test("a transferred buffer not bound again: its policy ends with the detached object", () => {
    const r = run(`
let first;
(() => {
  const ab = new ArrayBuffer(65536);
  nb.bind(ab, interleave);
  first = addrOf(ab);
  globalThis.moved = structuredClone(ab, { transfer: [ab] });
})();
await collect();
report({ mode: modeAt(first), alive: globalThis.moved.byteLength });
`);
    expect(r).toEqual({ mode: "default", alive: 65536 });
  });

  test("a SharedArrayBuffer keeps its policy when this thread lets go and a worker still holds it", () => {
    const r = run(`
const w = await worker(\`
  let sab;
  parentPort.on("message", (m) => {
    if (m.sab) { sab = m.sab; parentPort.postMessage("held"); }
    else { parentPort.postMessage(nb.getPolicy(m.addr).mode); parentPort.close(); }
  });
\`);
const ask = (m) => new Promise((res) => { w.once("message", res); w.postMessage(m); });
let first;
await (async () => {
  const sab = new SharedArrayBuffer(65536);
  nb.bind(sab, interleave);
  first = addrOf(sab);
  await ask({ sab });
})();
await collect();
report({ here: modeAt(first), inWorker: await ask({ addr: first }) });
`);
    expect(r).toEqual({ here: "interleave", inWorker: "interleave" });
  });

  test("a worker's bound heap buffers are reset when it ends", () => {
    const r = run(`
const w = await worker(\`
  globalThis.keep = new ArrayBuffer(65536);
  nb.bind(globalThis.keep, { mode: "interleave", nodes: "0" });
  const addr = nb.plan([{ target: globalThis.keep, policy: { mode: "default" } }]).ops[0].addr;
  parentPort.postMessage({ addr, mode: nb.getPolicy(addr).mode });
  parentPort.close();
\`);
const m = await new Promise((res) => w.once("message", res));
await new Promise((res) => w.once("exit", res));
report({ inWorker: m.mode, afterExit: modeAt(m.addr) });
`);
    expect(r).toEqual({ inWorker: "interleave", afterExit: "default" });
  });
});

describe("Node's shared Buffer pool is refused", () => {
  test("bind(), bindBatch() and a RangeBatch refuse the pool slab, naming the rule; a buffer of its own binds", () => {
    const r = run(`
const errs = [];
const pool = () => Buffer.from("x").buffer;
for (const f of [
  () => nb.bind(pool(), interleave),
  () => nb.bindBatch([{ target: new Uint8Array(pool()), policy: interleave }]),
  () => nb.bindBatch({ target: pool(), offsets: [0], lengths: [4096], policies: [interleave], policyIndex: [0] }),
]) { try { f(); errs.push("accepted"); } catch (e) { errs.push(e.code + " " + e.message); } }
const own = Buffer.allocUnsafeSlow(8192).buffer;
nb.bind(own, interleave);
report({ errs, own: modeAt(addrOf(own)) });
`);
    expect(r.errs).toHaveLength(3);
    for (const e of r.errs as unknown as string[]) expect(e).toMatch(/^EINVAL Cannot bind (target|requests\[0\]\.target|requests\.target): it is the runtime's shared Buffer pool/);
    expect(r.own).toBe("interleave");
  });
});
