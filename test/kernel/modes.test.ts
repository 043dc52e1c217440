import { describe, expect, test } from "vitest";
import { hasCapSysNice, kernelAtLeast } from "../../host/core/system/mod.ts";
import {
  available, bind, type BindFlags, getPolicy, NumaError, numaMaps, type Policy, topology,
} from "../../host/mod.ts";
import { addressOf, policiesOver, unmappedRange } from "../helpers/maps.ts";

// Every mode with and without nodes, the mode flags and the mbind flags, against the verdicts
// in kernel-mempolicy.md §1 and §3 (row numbers refer to its summary table), on node 0 of a
// one-node host. Accepted policies are read back with getPolicy (get_mempolicy MPOL_F_ADDR)
// and from /proc/self/numa_maps. Refusals must be EINVAL whether numabind's validation or the
// kernel refuses, and must leave the buffer's policy as it was.

const page = topology().pageSize;

/** What the kernel reports after an accepted bind: getPolicy fields and numa_maps text. */
interface Accepted { mode: string; nodes: number[]; static?: true; relative?: true; balancing?: true; text: string }
type Verdict = Accepted | "EINVAL";

const ok = (mode: string, nodes: number[], text: string, extra: Partial<Accepted> = {}): Accepted => ({ mode, nodes, text, ...extra });
const since = (major: number, minor: number, v: Accepted): Verdict => (kernelAtLeast(major, minor) ? v : "EINVAL");

const cases: [string, Policy, BindFlags | undefined, Verdict][] = [
  ["default without nodes (row 1)", { mode: "default" }, undefined, ok("default", [], "default")],
  ["default with nodes (row 2)", { mode: "default", nodes: [0] }, undefined, "EINVAL"],
  ["preferred {0} (row 17)", { mode: "preferred", nodes: [0] }, undefined, ok("preferred", [0], "prefer:0")],
  ["preferred without nodes becomes local (row 17, since 5.14)", { mode: "preferred" }, undefined, ok("local", [], "local")],
  ["preferred static without nodes (row 17)", { mode: "preferred", static: true }, undefined, "EINVAL"],
  ["bind {0} (row 5)", { mode: "bind", nodes: [0] }, undefined, ok("bind", [0], "bind:0")],
  ["bind without nodes (row 4)", { mode: "bind" }, undefined, "EINVAL"],
  ["bind {0,5}: a node this host lacks is refused, as numactl refuses it (the kernel ignores it: row 7)", { mode: "bind", nodes: [0, 5] }, undefined, "EINVAL"],
  ["bind {5}, absent node only (row 6)", { mode: "bind", nodes: [5] }, undefined, "EINVAL"],
  ["bind relative {5} folds onto {0} (§3 step 9)", { mode: "bind", nodes: [5], relative: true }, undefined, ok("bind", [5], "bind=relative:0", { relative: true })],
  ["bind static {0} (row 13)", { mode: "bind", nodes: [0], static: true }, undefined, ok("bind", [0], "bind=static:0", { static: true })],
  ["bind relative {0} (row 13)", { mode: "bind", nodes: [0], relative: true }, undefined, ok("bind", [0], "bind=relative:0", { relative: true })],
  ["bind static and relative (row 12)", { mode: "bind", nodes: [0], static: true, relative: true }, undefined, "EINVAL"],
  ["bind balancing (row 14)", { mode: "bind", nodes: [0], balancing: true }, undefined, ok("bind", [0], "bind=balancing:0", { balancing: true })],
  ["bind static balancing (§6)", { mode: "bind", nodes: [0], static: true, balancing: true }, undefined, ok("bind", [0], "bind=static|balancing:0", { static: true, balancing: true })],
  ["preferred-many balancing (row 14, since 6.10)", { mode: "preferred-many", nodes: [0], balancing: true }, undefined,
    since(6, 10, ok("preferred-many", [0], "prefer (many)=balancing:0", { balancing: true }))],
  ["interleave balancing (row 15)", { mode: "interleave", nodes: [0], balancing: true }, undefined, "EINVAL"],
  ["preferred balancing (row 15)", { mode: "preferred", nodes: [0], balancing: true }, undefined, "EINVAL"],
  ["local (row 16)", { mode: "local" }, undefined, ok("local", [], "local")],
  ["local with nodes (row 16)", { mode: "local", nodes: [0] }, undefined, "EINVAL"],
  ["local static (row 16)", { mode: "local", static: true }, undefined, "EINVAL"],
  ["interleave {0}", { mode: "interleave", nodes: [0] }, undefined, ok("interleave", [0], "interleave:0")],
  ["interleave without nodes (row 18)", { mode: "interleave" }, undefined, "EINVAL"],
  ["interleave static {0} reports its flag back (§4)", { mode: "interleave", nodes: [0], static: true }, undefined, ok("interleave", [0], "interleave=static:0", { static: true })],
  ["preferred-many {0} (since 5.15)", { mode: "preferred-many", nodes: [0] }, undefined, since(5, 15, ok("preferred-many", [0], "prefer (many):0"))],
  ["preferred-many without nodes (row 18)", { mode: "preferred-many" }, undefined, "EINVAL"],
  ["weighted-interleave {0} (since 6.9)", { mode: "weighted-interleave", nodes: [0] }, undefined, since(6, 9, ok("weighted-interleave", [0], "weighted interleave:0"))],
  ["weighted-interleave without nodes (row 18)", { mode: "weighted-interleave" }, undefined, "EINVAL"],
  ["bind {0} strict, pages already on node 0 (row 27)", { mode: "bind", nodes: [0] }, { strict: true }, ok("bind", [0], "bind:0")],
  ["bind {0} move (row 27)", { mode: "bind", nodes: [0] }, { move: true }, ok("bind", [0], "bind:0")],
  ["bind {0} move and strict (row 27)", { mode: "bind", nodes: [0] }, { move: true, strict: true }, ok("bind", [0], "bind:0")],
  ["interleave {0} strict (row 27)", { mode: "interleave", nodes: [0] }, { strict: true }, ok("interleave", [0], "interleave:0")],
  ["default strict: strict has no effect (§3 step 4.4)", { mode: "default" }, { strict: true }, ok("default", [], "default")],
];

describe(`bind() modes and flags against the kernel's verdicts (${available().backend})`, () => {
  test.each(cases)("%s", (_name, policy, flags, verdict) => {
    const ab = new ArrayBuffer(6 * page);
    new Uint8Array(ab).fill(1); // resident pages, so strict and move walk real pages
    const start = addressOf(new Uint8Array(ab));
    const first = (start + BigInt(page) - 1n) / BigInt(page) * BigInt(page);
    const end = (start + BigInt(ab.byteLength)) / BigInt(page) * BigInt(page);
    const before = getPolicy(ab);
    if (verdict === "EINVAL") {
      let err: unknown;
      try { bind(ab, policy, flags); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(NumaError);
      expect((err as NumaError).code).toBe("EINVAL");
      expect((err as NumaError).errno).toBe(22);
      expect(["validate", "mbind"]).toContain((err as NumaError).syscall);
      expect(getPolicy(ab)).toEqual(before);
      return;
    }
    bind(ab, policy, flags);
    const p = getPolicy(ab);
    expect(p.mode).toBe(verdict.mode);
    expect(p.nodes.toArray()).toEqual(verdict.nodes);
    expect({ static: p.static, relative: p.relative, balancing: p.balancing })
      .toEqual({ static: verdict.static, relative: verdict.relative, balancing: verdict.balancing });
    if (verdict.mode !== "default") {
      // Neighbouring mappings with an equal policy merge, so look at what overlaps the range.
      expect(policiesOver(numaMaps(), first, end)).toEqual([verdict.text]);
    }
  });

  test("bind() with moveAll succeeds with CAP_SYS_NICE (row 28; the EPERM half runs without it in permissions.test.ts)", () => {
    expect(hasCapSysNice()).toBe(true);
    const ab = new ArrayBuffer(6 * page);
    new Uint8Array(ab).fill(1);
    bind(ab, { mode: "bind", nodes: [0] }, { moveAll: true });
    expect(getPolicy(ab)).toMatchObject({ mode: "bind" });
  });

  test("bind() of a page whose range is not mapped gives EFAULT with the range (row 24)", () => {
    const b = unmappedRange(4);
    let err: unknown;
    try { bind({ addr: b.addr, length: b.length }, { mode: "bind", nodes: [0] }, undefined, { unsafeRawAddress: true }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(NumaError);
    expect(err).toMatchObject({ code: "EFAULT", errno: 14, syscall: "mbind", range: { addr: b.addr, length: b.length } });
    expect((err as Error).message).toMatch(/not mapped/);
  });
});
