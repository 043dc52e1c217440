// The one table of modes and mode flags (host/core/policy/modes.ts) against every other list
// of mode names: the host's derived ones, the engine's constants in assembly/ (abi.ts, and the
// WASI planner's names and release table), and the kernel's numa_maps spellings. A mode added
// to one place and not the others fails here.
import { describe, expect, test } from "vitest";
import * as abi from "../../../assembly/abi.ts";
import { modeFacts } from "../../../host/core/facts/mod.ts";
import {
  BALANCING_SINCE, fromKernelPolicy, MODE_FLAGS, MODE_NUMBERS, modeName, MODES, Nodemask,
  numaMapsPolicyText, toKernelPolicy, type Policy,
} from "../../../host/core/policy/mod.ts";
import { parseNumaMaps } from "../../../host/mod.ts";
import { runPlanner } from "../../engine/helpers/wasi_planner.ts";

const takesNodes = (kernel: number): boolean => kernel !== abi.MPOL_DEFAULT && kernel !== abi.MPOL_LOCAL;
const policyOf = (name: string, kernel: number): Record<string, unknown> =>
  (name.startsWith("MPOL_") ? { mode: name, ...(takesNodes(kernel) ? { nodes: "0" } : {}) } : { mode: name, ...(takesNodes(kernel) ? { nodes: [0] } : {}) });
const namesOf = (m: (typeof MODES)[number]): string[] => [m.name, ...m.numactl, m.oci];
const FACTS = { configured: "0-3", allowed: "0-3", withMemory: "0-3", pageSize: 4096, capSysNice: true };

describe("the mode table", () => {
  test("its numbers are the engine's MPOL_* constants, one row per mode below MPOL_MAX", () => {
    expect(MODES.map((m) => m.kernel)).toEqual(MODES.map((_, i) => i));
    expect(MODES.length).toBe(abi.MPOL_MAX);
    const abiModes = Object.entries(abi).filter(([k]) => /^MPOL_[A-Z_]+$/.test(k) && !/^MPOL_(MAX|MF_|F_|MODE_FLAGS)/.test(k));
    expect(Object.fromEntries(abiModes)).toEqual(Object.fromEntries(MODES.map((m) => [m.oci, m.kernel])));
    expect(MODE_FLAGS.map((f) => [f.oci, f.kernel])).toEqual(MODE_FLAGS.map((f) => [f.oci, (abi as Record<string, unknown>)[f.oci]]));
    expect(MODE_FLAGS.reduce((a, f) => a | f.kernel, 0)).toBe(abi.MPOL_MODE_FLAGS);
  });

  test("every name a mode goes by resolves to its number in the host, and back to its name", () => {
    for (const m of MODES) {
      for (const name of namesOf(m)) expect(toKernelPolicy(policyOf(name, m.kernel) as unknown as Policy, "policy").mode).toBe(m.kernel);
      expect(MODE_NUMBERS[m.name]).toBe(m.kernel);
      expect(modeName(m.kernel)).toBe(m.name);
      expect(fromKernelPolicy(m.kernel, Nodemask.EMPTY).mode).toBe(m.name);
    }
    const flags = toKernelPolicy({ mode: "MPOL_BIND", nodes: "0", flags: MODE_FLAGS.map((f) => f.oci) }, "policy").mode;
    expect(flags).toBe(abi.MPOL_BIND | abi.MPOL_MODE_FLAGS);
    expect(fromKernelPolicy(flags, Nodemask.of(0))).toMatchObject(Object.fromEntries(MODE_FLAGS.map((f) => [f.name, true])));
  });

  test("numa_maps spellings: the text the host predicts parses back to the mode", () => {
    const usable = Nodemask.of(0);
    for (const m of MODES) {
      const text = numaMapsPolicyText(m.kernel, takesNodes(m.kernel) ? Nodemask.of(0) : Nodemask.EMPTY, usable, "default");
      if (m.kernel !== abi.MPOL_DEFAULT) expect(text.startsWith(m.numaMaps)).toBe(true);
      const [entry] = parseNumaMaps(`7f0000000000 ${text} anon=1 N0=1 kernelpagesize_kB=4\n`);
      expect(entry!.mode).toBe(m.name);
    }
    const [flagged] = parseNumaMaps(`7f0000000000 bind=${MODE_FLAGS.map((f) => f.numaMaps).join("|")}:0 anon=1\n`);
    expect(flagged!.modeFlags).toEqual(MODE_FLAGS.map((f) => f.numaMaps));
  });

  test("the WASI planner's mode names (assembly/wasi) match the table, under every name", () => {
    const requests = MODES.flatMap((m) => namesOf(m).map((name) => ({ policy: policyOf(name, m.kernel), want: m.name })));
    const { status, out } = runPlanner("node", {
      facts: { ...FACTS, kernel: "6.18" },
      requests: requests.map((r, i) => ({ addr: `0x${(0x10000000 + i * 2 * 4096).toString(16)}`, length: 4096, policy: r.policy })),
    });
    expect(status).toBe(0);
    expect(out.ops!.map((o) => o.policy.mode)).toEqual(requests.map((r) => r.want));
  });

  test("the WASI planner's release table (assembly/wasi/input.ts) matches the table's releases", () => {
    // Each boundary of the table: a release just before a mode (or balancing with a mode) and
    // the release that brings it. Per release, one batch of everything the table says that
    // release accepts (a batch stops at its first refusal), and one run per request it refuses.
    const boundaries = [
      ...MODES.filter((m) => m.since).map((m) => ({ since: m.since!, balancing: false })),
      { since: BALANCING_SINCE.mbind, balancing: true }, { since: BALANCING_SINCE.preferredMany, balancing: true },
    ];
    const releases = [...new Set(boundaries.flatMap(({ since: [a, b] }) => [`${a}.${b - 1}`, `${a}.${b}`]))];
    const request = (m: (typeof MODES)[number], balancing: boolean, i = 0) => ({
      addr: `0x${(0x10000000 + i * 2 * 4096).toString(16)}`, length: 4096,
      policy: { ...policyOf(m.name, m.kernel), ...(balancing ? { balancing: true } : {}) },
    });
    for (const rel of releases) {
      const facts = modeFacts(rel);
      const cases = MODES.flatMap((m) => [false, true].map((balancing) => ({ m, balancing })));
      const takes = ({ m, balancing }: (typeof cases)[number]): boolean =>
        m.kernel < facts.mpolMax && (!balancing || (facts.balancingModes & (1 << m.kernel)) !== 0);
      const accepted = cases.filter(takes);
      const all = runPlanner("node", { facts: { ...FACTS, kernel: rel }, requests: accepted.map((c, i) => request(c.m, c.balancing, i)) });
      expect({ rel, status: all.status, error: all.out.error }).toEqual({ rel, status: 0, error: undefined });
      expect(all.out.ops!.map((o) => o.policy.mode)).toEqual(accepted.map((c) => c.m.name));
      // The refusals that decide the boundaries: a mode, or balancing with a mode, one release early.
      const refused = cases.filter((c) => !takes(c) && boundaries.some((b) => c.balancing === b.balancing
        && (b.balancing ? c.m.kernel === (b.since === BALANCING_SINCE.mbind ? abi.MPOL_BIND : abi.MPOL_PREFERRED_MANY) : c.m.since === b.since)));
      for (const c of refused) {
        const one = runPlanner("node", { facts: { ...FACTS, kernel: rel }, requests: [request(c.m, c.balancing)] });
        expect({ rel, mode: c.m.name, balancing: c.balancing, status: one.status }).toEqual({ rel, mode: c.m.name, balancing: c.balancing, status: 1 });
      }
    }
  });
});
