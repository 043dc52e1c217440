// Benchmark: what the batch options cost against plain bindBatch() in the same run.
// 20,000 single-page requests alternating two policies; each round swaps the policies so every
// op changes something (except where a case re-applies a batch already in force).
// Usage: npm run bench:batch [-- --rounds 7 --pages 20000 --json]
import { readFileSync } from "node:fs";
import { createNumabind, openBackend } from "numabind";
import { readMappings, snapshotPolicies } from "numabind/core";

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(`--${name}`); return i >= 0 ? Number(args[i + 1]) : dflt; };
const ROUNDS = opt("rounds", 7), PAGES = opt("pages", 20000);
const JSON_OUT = args.includes("--json");

const nb = createNumabind(openBackend());
const page = nb.topology().pageSize;
const A = { mode: "bind", nodes: [0] }, B = { mode: "interleave", nodes: [0] };
const region = nb.alloc((PAGES + 2) * page, { mode: "default" });
const views = Array.from({ length: PAGES }, (_, i) => new Uint8Array(region, i * page, page));
const batch = (swap) => views.map((v, i) => ({ target: v, policy: (i & 1) ^ swap ? A : B }));
const batches = [batch(0), batch(1)];
const one = [{ target: new Uint8Array(region, PAGES * page, page), policy: A }];

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const time = (fn) => { const t = performance.now(); fn(); return performance.now() - t; };
const results = {};
const record = (name, ms) => { (results[name] ??= []).push(ms); };
const maps = () => readFileSync("/proc/self/maps", "utf8").split("\n").length - 2;

let flip = 0;
const changing = (opts) => () => { flip ^= 1; const r = nb.bindBatch(batches[flip], opts); if (!r.ok) throw new Error(r.failed[0].message); };
const inForce = (opts) => () => { const r = nb.bindBatch(batches[flip], opts); if (!r.ok) throw new Error(r.failed[0].message); };
const cases = {
  "plain (baseline)": changing({}),
  "skipUnchanged, nothing in force": changing({ skipUnchanged: true }),
  "atomic, succeeds": changing({ atomic: true }),
  "onProgress, 100 ms interval": changing({ onProgress: () => {} }),
  "onProgress, every slice": changing({ onProgress: () => {}, progressIntervalMs: 0 }),
  "plain, re-applied (in force)": inForce({}),
  "skipUnchanged, re-applied (in force)": inForce({ skipUnchanged: true }),
  "one op, plain": () => nb.bindBatch(one),
  "one op, skipUnchanged": () => nb.bindBatch(one, { skipUnchanged: true }),
};
for (const fn of Object.values(cases)) fn(); // warm up
const mapsDuring = maps();
for (let r = 0; r < ROUNDS; r++) {
  for (const [k, fn] of Object.entries(cases)) record(k, time(fn));
  // The snapshot's two parts, over the region (PAGES mappings) and the whole process.
  const base = Number(nb.backend.addressOf(new Uint8Array(region)));
  let m;
  record("part: /proc/self/maps read over the region", time(() => { m = readMappings(base, base + (PAGES + 2) * page); }));
  const addrs = BigUint64Array.from(m.starts, (s) => BigInt(s));
  record("part: get_mempolicy batch over the region's mappings", time(() => snapshotPolicies(nb.backend, addrs, 1)));
  const r2 = nb.bindBatch(batches[flip]);
  record("verify(result), no page locations", time(() => nb.verify(r2, { pages: false })));
}

const base = median(results["plain (baseline)"]);
const rows = Object.entries(results).map(([k, xs]) => ({
  case: k, medianMs: +median(xs).toFixed(3), minMs: +Math.min(...xs).toFixed(3),
  ratio: k.startsWith("one op") ? +(median(xs) / median(results["one op, plain"])).toFixed(2) : +(median(xs) / base).toFixed(3),
}));
if (JSON_OUT) console.log(JSON.stringify({ pages: PAGES, rounds: ROUNDS, mapsDuring, backend: nb.backend.name, rows }));
else {
  console.log(`bindBatch options, ${PAGES} alternating single-page requests, ${ROUNDS} rounds, ${nb.backend.name}, ${mapsDuring} mappings in the process`);
  console.log("ratios: against plain bindBatch of the same batch (one-op rows: against a plain one-op batch)");
  console.table(rows);
}
