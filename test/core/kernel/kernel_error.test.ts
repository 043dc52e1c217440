import { describe, expect, test } from "vitest";
import { availabilityFromProbe } from "../../../host/core/backend/mod.ts";
import { readTopology, type Topology } from "../../../host/core/facts/mod.ts";
import {
  countPageStatuses, describePageStatus, explainErrno, kernelError,
} from "../../../host/core/kernel/mod.ts";
import { NumaError } from "../../../host/core/mod.ts";
import { Nodemask, type Policy, toKernelPolicy } from "../../../host/core/policy/mod.ts";
import { plan } from "../../../host/mod.ts";

// Explanations for errors this one-node host cannot produce (a cpuset that excludes a node, a
// memory-less node, EIO from strict on two nodes, EACCES from a cpuset): the errno stands in
// for the kernel, with a topology built by hand, and each test name says so.

/** Four nodes: 0-2 online, 2 without memory, Mems_allowed 0,2 (a cpuset excludes node 1). */
function fourNodes(): Topology {
  const t = readTopology();
  return {
    ...t, online: Nodemask.of(0, 1, 2), withMemory: Nodemask.of(0, 1), possible: Nodemask.of(0, 1, 2, 3),
    memsAllowed: Nodemask.of(0, 2),
  };
}

describe("kernelError()", () => {
  test("mock EINVAL: a node outside Mems_allowed is blamed on the cpuset", () => {
    const e = kernelError({ syscall: "mbind", errno: 22, action: "bind requests[0]", mode: 2, mask: Nodemask.of(1), topology: fourNodes() });
    expect(e).toBeInstanceOf(NumaError);
    expect(e).toMatchObject({ code: "EINVAL", errno: 22, syscall: "mbind" });
    expect(e.message).toMatch(/^Cannot bind requests\[0\]: mbind failed with EINVAL: /);
    expect(e.message).toMatch(/node 1 is outside this task's Mems_allowed \(0,2\): a cpuset or cgroup cpuset.mems/);
  });

  test("mock EINVAL: memory-less and offline nodes are named as such", () => {
    const e = kernelError({ syscall: "set_mempolicy", errno: 22, action: "set the thread policy", mode: 3, mask: Nodemask.of(2, 3), topology: fourNodes() });
    expect(e.message).toMatch(/node 3 is not online \(online: 0-2\)/);
    expect(e.message).toMatch(/node 2 has no memory \(nodes with memory: 0-1\)/);
  });

  // The words are the engine verdict's (ruleMessage), the same plan() uses for each refusal.
  test("EINVAL rules of mpol_new and sanitize_mpol_flags are explained (the kernel gives these here too)", () => {
    const t = fourNodes();
    const why = (mode: number, mask: Nodemask | null, flags?: number) =>
      explainErrno({ syscall: "mbind", errno: 22, action: "bind", mode, mask, topology: t, ...(flags !== undefined ? { flags } : {}) });
    expect(why(0, Nodemask.of(0))).toMatch(/default takes no nodes/);
    expect(why(4 | 0x8000, null)).toMatch(/mode local cannot be static or relative/);
    expect(why(2 | 0x8000 | 0x4000, Nodemask.of(0))).toMatch(/static and relative cannot be combined/);
    expect(why(3 | 0x2000, Nodemask.of(0))).toMatch(/balancing \(MPOL_F_NUMA_BALANCING\) goes only with bind/);
    expect(why(2, null)).toMatch(/bind needs at least one node/);
    expect(why(2, Nodemask.of(0), 8)).toMatch(/mbind takes only strict, move and moveAll \(MPOL_MF_\* 0x7\), current value is 0x8/);
  });

  test("an EINVAL explanation quotes the rule plan() refuses the same policy with: the rules live once, in the engine", () => {
    const page = BigInt(readTopology().pageSize);
    const cases: Policy[] = [
      { mode: "default", nodes: [0] }, { mode: "local", static: true }, { mode: "bind", nodes: [0], static: true, relative: true },
      { mode: "interleave" }, { mode: "interleave", nodes: [0], balancing: true },
    ];
    for (const policy of cases) {
      let refused = "";
      try { plan([{ target: { addr: page, length: page }, policy }], { unsafeRawAddress: true }); } catch (e) { refused = (e as Error).message; }
      const k = toKernelPolicy(policy, "policy");
      const explained = explainErrno({ syscall: "mbind", errno: 22, action: "bind", mode: k.mode, mask: k.mask });
      expect(refused).toMatch(/^Cannot bind requests\[0\]: /);
      expect(explained.startsWith(refused.replace(/^Cannot bind requests\[0\]: /, ""))).toBe(true);
    }
  });

  test("mock EIO from strict: says pages sit elsewhere and offers move", () => {
    expect(explainErrno({ syscall: "mbind", errno: 5, action: "bind", flags: 1 })).toMatch(/already sit on nodes outside the policy; add \{ move: true \}/);
    expect(explainErrno({ syscall: "mbind", errno: 5, action: "bind", flags: 3 })).toMatch(/could not be migrated/);
  });

  test("mock EACCES and ENODEV from move_pages name the nodes; ESRCH names the pid", () => {
    expect(explainErrno({ syscall: "move_pages", errno: 13, action: "move pages", nodes: [1], topology: fourNodes() })).toMatch(/node 1 is outside the cpuset/);
    expect(explainErrno({ syscall: "move_pages", errno: 19, action: "move pages", nodes: [5], topology: fourNodes() })).toMatch(/node 5 is not online or does not exist \(online: 0-2\)/);
    expect(kernelError({ syscall: "migrate_pages", errno: 3, action: "migrate", pid: 4242 }).message).toMatch(/no process with pid 4242/);
  });

  test("EFAULT carries the range in the message and the error", () => {
    const e = kernelError({ syscall: "mbind", errno: 14, action: "bind requests[2]", index: 2, range: { addr: 0x1000n, length: 8192n } });
    expect(e).toMatchObject({ code: "EFAULT", index: 2, range: { addr: 0x1000n, length: 8192n } });
    expect(e.message).toBe("Cannot bind requests[2]: mbind 0x1000+8192 failed with EFAULT: part of the range is not mapped: it has a hole or lies outside any mapping (was the memory unmapped?)");
  });
});

describe("availabilityFromProbe()", () => {
  test("ENOSYS and EPERM give reasons to act on; move_pages alone does not decide", () => {
    const nosys = availabilityFromProbe("ffi-rs", "syscall", { get_mempolicy: -38, mbind: -38 });
    expect(nosys).toMatchObject({ ok: false, path: "syscall", syscalls: { get_mempolicy: "ENOSYS", mbind: "ENOSYS" } });
    expect(nosys.reason).toMatch(/CONFIG_NUMA/);
    const perm = availabilityFromProbe("ffi-rs+shim", "shim", { get_mempolicy: 0, mbind: -1 });
    expect(perm.ok).toBe(false);
    expect(perm.reason).toMatch(/^not permitted \(EPERM\): a seccomp filter denies mbind/);
    expect(availabilityFromProbe("x", "shim", { get_mempolicy: 0, mbind: 0, move_pages: -1 }).ok).toBe(true);
  });
});

describe("describePageStatus() / countPageStatuses()", () => {
  test("node ids and the kernel's negative statuses become words", () => {
    expect(describePageStatus(3)).toBe("node 3");
    expect(describePageStatus(-2)).toMatch(/^ENOENT: not faulted in/);
    expect(describePageStatus(-14)).toMatch(/^EFAULT: no page/);
    expect(describePageStatus(-13)).toMatch(/^EACCES: shared with another process/);
    expect(describePageStatus(-16)).toMatch(/^EBUSY/);
    expect(describePageStatus(-999)).toBe("E999: the kernel reported this error for the page");
    expect(describePageStatus(0.5)).toMatch(/^not a page status/);
    expect([...countPageStatuses(Int32Array.of(1, -2, 1, 0))]).toEqual([[-2, 1], [0, 1], [1, 2]]);
  });
});
