// The kernel-differential test: thousands of raw mbind calls go to the real kernel, bypassing
// validation, over a region this test maps; the engine's validator must predict every errno.
// Where they differ the kernel is right. A second run in a child process without
// CAP_SYS_NICE checks the EPERM rule (MOVE_ALL) and its place in the order.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import * as abi from "../../assembly/abi.ts";
import { Engine, writeControl } from "../../host/core/engine/mod.ts";
import { readKernelFacts } from "../../host/core/facts/mod.ts";
import { verdictErrno, verdictName } from "../../host/core/plan/mod.ts";
import { numabind, topology } from "../../host/mod.ts";
import { buildBatch, byWords, type Combo, combos, describeCombo } from "./helpers/mbind_combos.ts";
import { putNodes } from "./helpers/raw_plan.ts";

const t = topology();
const facts = readKernelFacts();
const usable = t.memsAllowed.intersect(t.withMemory).toArray();
const e = new Engine();
const REGION = 64n * BigInt(t.pageSize);
const mapped = numabind.backend.mmap!(REGION, t.pageSize);
if (typeof mapped === "number") throw new Error(`mmap failed with errno ${-mapped}`);
const region = mapped;
afterAll(() => { numabind.backend.munmap!(region.addr, REGION); });

/** The validator's verdict for a combo at `base`. */
function verdict(c: Combo, base: bigint, capSysNice: boolean): number {
  writeControl(e, {
    pageSize: t.pageSize, kernelPageSize: t.pageSize, maxNumNodes: facts.maxNumNodes, capSysNice,
    mpolMax: facts.mpolMax, balancingModes: facts.balancingModes,
  });
  putNodes(e.u32(), e.x.mask_slot(abi.SLOT_USABLE), abi.MASK_SLOT_BYTES / 8, usable);
  const at = e.x.mask_slot(abi.SLOT_A);
  if (c.nodes !== null) putNodes(e.u32(), at, Math.min(c.words, abi.MASK_SLOT_BYTES / 8), c.nodes);
  return e.x.validate_mbind((base + c.off) & 0xffffffffffffffffn, c.len, c.mode, c.nodes === null ? 0 : at, c.words, c.flags >>> 0);
}

/** Issues combos to the kernel in one batch call per mask width; errnos in combo order. */
function kernel(list: readonly Combo[]): Map<Combo, number> {
  const out = new Map<Combo, number>();
  for (const [words, group] of byWords(list)) {
    const { ops, masks } = buildBatch(group, words);
    const dv = new DataView(ops.buffer);
    group.forEach((_, i) => dv.setBigUint64(i * abi.OP_SIZE, (dv.getBigUint64(i * abi.OP_SIZE, true) + region.addr) & 0xffffffffffffffffn, true));
    const errnos = new Uint8Array(group.length * 4);
    const n = numabind.backend.mbindBatch!(ops, group.length, masks, words, errnos, true);
    expect(n).toBe(group.length);
    const e32 = new Int32Array(errnos.buffer);
    group.forEach((c, i) => out.set(c, e32[i]!));
  }
  return out;
}

function disagreements(list: readonly Combo[], errnos: (c: Combo) => number, capSysNice: boolean, base: bigint): string[] {
  const bad: string[] = [];
  for (const c of list) {
    const v = verdict(c, base, capSysNice), want = errnos(c);
    if (verdictErrno(v) !== want) bad.push(`${describeCombo(c)}: kernel errno ${want}, validator ${verdictName(v)}`);
  }
  return bad;
}

describe("validate_mbind against the real kernel", () => {
  test("agrees with mbind(2) on every one of >= 5,000 raw calls (modes, flags, masks, nodes >= 1024, lengths)", () => {
    const list = combos(6000);
    expect(list.length).toBeGreaterThanOrEqual(5000);
    const got = kernel(list);
    const bad = disagreements(list, (c) => got.get(c)!, facts.capSysNice, region.addr);
    expect(bad.slice(0, 20)).toEqual([]);
    // Both outcomes are well represented: this is not a suite of refusals only.
    const ok = [...got.values()].filter((x) => x === 0).length;
    expect(ok).toBeGreaterThan(500);
    expect(list.length - ok).toBeGreaterThan(500);
    const rules = new Set(list.map((c) => verdictName(verdict(c, region.addr, facts.capSysNice))));
    for (const r of ["V_MODE", "V_STATIC_RELATIVE", "V_BALANCING", "V_MASK_TOO_WIDE", "V_MASK_BEYOND", "V_FLAGS",
      "V_UNALIGNED", "V_WRAP", "V_NOOP", "V_DEFAULT_NODES", "V_PREFERRED_FLAGS", "V_LOCAL_NODES", "V_LOCAL_FLAGS",
      "V_NODES_REQUIRED", "V_NODES_UNUSABLE", "V_OK"]) expect(rules).toContain(r);
  });

  test("agrees with mbind(2) in a process without CAP_SYS_NICE (EPERM for moveAll, checked before alignment)", () => {
    const list = combos(1500, 7).filter((_, i) => i % 3 === 0 || _.flags & abi.MPOL_MF_MOVE_ALL);
    const groups = [...byWords(list)];
    const input = JSON.stringify(groups.map(([words, g]) => {
      const { ops, masks } = buildBatch(g, words);
      return { words, count: g.length, ops: Buffer.from(ops).toString("base64"), masks: Buffer.from(masks).toString("base64") };
    }));
    const child = join(import.meta.dirname, "fixtures", "mbind_child.mjs");
    const out = JSON.parse(execFileSync("setpriv", ["--bounding-set", "-sys_nice", "--inh-caps", "-sys_nice", process.execPath, child],
      { input, encoding: "utf8" })) as { capEff: string; errnos: number[][] };
    expect((BigInt(`0x${out.capEff}`) >> 23n) & 1n).toBe(0n);
    const errno = new Map<Combo, number>();
    groups.forEach(([, g], k) => g.forEach((c, i) => errno.set(c, out.errnos[k]![i]!)));
    // The child's region has its own base; only alignment matters, and both are page aligned.
    const bad = disagreements(list, (c) => errno.get(c)!, false, region.addr);
    expect(bad.slice(0, 20)).toEqual([]);
    expect([...errno.values()].filter((x) => x === 1).length).toBeGreaterThan(50);
  });
});
