import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { runChild, tempDir } from "../helpers/child.ts";
import { type Call, parseStrace } from "../helpers/strace.ts";

// strace proves what reached the kernel: a child process runs batches, a single bind, the
// thread policy calls and migrate_pages under `strace -f -e raw=...`, and every syscall line
// is checked against the plan: one mbind per planned op, and maxnode = words * 64 + 1.

const CHILD = `
const page = nb.topology().pageSize;
// Masks of 1, 2 and 4 u64 words. Nodes this host lacks are refused unless relative (a
// relative mask names positions in the allowed set, and the kernel folds it onto them).
const widths = [[0], [0, 64], [0, 200]];
const batches = [];
for (const nodes of widths) {
  const region = new ArrayBuffer(600 * page);
  const base = nb.numabind.backend.addressOf(new Uint8Array(region));
  const policies = [{ mode: "bind", nodes, relative: true }, { mode: "interleave", nodes, relative: true }, { mode: "preferred", nodes, relative: true }, { mode: "default" }];
  const skew = Number((BigInt(page) - base % BigInt(page)) % BigInt(page));
  const requests = [];
  for (let i = 0; i < 500; i++) {
    if (i % 41 === 40) continue;
    requests.push({ target: new Uint8Array(region, skew + i * page, page), policy: policies[Math.floor(i / 7) % 4] });
  }
  const planned = nb.plan(requests).stats.ops;
  const r = nb.bindBatch(requests);
  batches.push({ base, length: region.byteLength, planned, syscalls: r.syscalls, ok: r.ok });
}
const single = new ArrayBuffer(8 * page);
nb.bind(single, { mode: "bind", nodes: [0] });
nb.getPolicy(single);
nb.setThreadPolicy({ mode: "bind", nodes: [0] });
nb.getThreadPolicy();
nb.setThreadPolicy({ mode: "default" });
const notMoved = nb.migratePages(0, [0], [0]);
report({ batches, single: nb.numabind.backend.addressOf(new Uint8Array(single)), singleLength: single.byteLength, notMoved });
`;

describe(`syscalls under strace (${process.env.NUMABIND_NO_SHIM === "1" ? "fallback" : "shim"} path)`, () => {
  const log = join(tempDir(), `strace-${process.pid}-${process.env.NUMABIND_NO_SHIM ?? "0"}.log`);
  const names = ["mbind", "get_mempolicy", "set_mempolicy", "migrate_pages"];
  const child = runChild(CHILD, { wrapper: ["strace", "-f", "-qq", "-o", log, "-e", `trace=${names.join(",")}`, "-e", `raw=${names.join(",")}`] });
  const calls = (): Call[] => parseStrace(readFileSync(log, "utf8"), names);
  type Batch = { base: string; length: number; planned: number; syscalls: number; ok: boolean };
  const result = child.result as { batches: Batch[]; single: string; singleLength: number; notMoved: number } | undefined;

  test("the child ran every call and exited cleanly", () => {
    expect(child.stderr).toBe("");
    expect(child.status).toBe(0);
    expect(result?.batches.map((b) => b.ok)).toEqual([true, true, true]);
    expect(result?.notMoved).toBe(0);
  });

  test.each([[0, 1], [1, 2], [2, 4]])("batch %i: mbind count == planned ops, maxnode == %i * 64 + 1", (k, words) => {
    const b = result!.batches[k]!;
    const base = BigInt(b.base), end = base + BigInt(b.length);
    const inRegion = calls().filter((c) => c.name === "mbind" && c.args[0]! >= base && c.args[0]! < end);
    expect(b.planned).toBeGreaterThan(40);
    expect(inRegion).toHaveLength(b.planned);
    expect(b.syscalls).toBe(b.planned);
    for (const c of inRegion) {
      const mode = Number(c.args[2]!);
      // A NULL mask (default) passes maxnode 0; every other op passes words * 64 + 1.
      expect(c.args[4]).toBe(mode === 0 ? 0n : BigInt(words * 64 + 1));
    }
  });

  test("bind() of one buffer issues exactly one mbind with maxnode 65", () => {
    const base = BigInt(result!.single), end = base + BigInt(result!.singleLength);
    const mine = calls().filter((c) => c.name === "mbind" && c.args[0]! >= base && c.args[0]! < end);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.args[4]).toBe(65n);
  });

  test("get_mempolicy, set_mempolicy and migrate_pages pass maxnode = words * 64 + 1", () => {
    const c = calls();
    const get = c.filter((x) => x.name === "get_mempolicy" && x.args[1] !== 0n);
    expect(get.length).toBeGreaterThanOrEqual(2);
    for (const x of get) expect(x.args[2]).toBe(65n);
    const set = c.filter((x) => x.name === "set_mempolicy");
    expect(set.map((x) => [x.args[0], x.args[2]])).toEqual([[2n, 65n], [0n, 0n]]);
    const migrate = c.filter((x) => x.name === "migrate_pages");
    expect(migrate).toHaveLength(1);
    expect(migrate[0]!.args[1]).toBe(65n);
  });
});
