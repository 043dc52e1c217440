import { describe, expect, test } from "vitest";
import { runChild } from "../helpers/child.ts";
import { denyMempolicyLauncher } from "../helpers/seccomp.ts";

// EPERM the honest way: real child processes under a seccomp filter (what Docker's default
// profile does without CAP_SYS_NICE) and without CAP_SYS_NICE (setpriv drops it).

const CAPTURE = `
const capture = (f) => { try { f(); return { ok: true }; } catch (e) {
  return { name: e.name, isNumaError: e instanceof nb.NumaError, code: e.code, errno: e.errno, syscall: e.syscall, arg: e.arg, message: e.message }; } };
`;

describe("under a seccomp filter that denies mbind, get_mempolicy and set_mempolicy", () => {
  const child = runChild(`${CAPTURE}
    const page = nb.topology().pageSize;
    const ab = new ArrayBuffer(4 * page);
    report({
      available: nb.available(),
      bind: capture(() => nb.bind(ab, { mode: "bind", nodes: [0] })),
      batch: capture(() => { const r = nb.bindBatch([{ target: ab, policy: { mode: "interleave", nodes: [0] } }]); if (!r.ok) throw new Error(r.failed[0].message); }),
      getPolicy: capture(() => nb.getPolicy(ab)),
      setThreadPolicy: capture(() => nb.setThreadPolicy({ mode: "bind", nodes: [0] })),
      locate: capture(() => nb.locate(ab)),
    });`, { wrapper: [denyMempolicyLauncher()] });
  const r = child.result as Record<string, Record<string, unknown>>;

  test("the child runs and exits cleanly", () => {
    expect(child.stderr).toBe("");
    expect(child.status).toBe(0);
  });

  test("available() is not ok, says EPERM and seccomp, and which syscalls answered what", () => {
    expect(r.available).toMatchObject({ ok: false, syscalls: { mbind: "EPERM", get_mempolicy: "EPERM", move_pages: "ok" } });
    expect(r.available!.reason).toMatch(/EPERM/);
    expect(r.available!.reason).toMatch(/seccomp/);
    expect(r.available!.reason).toMatch(/CAP_SYS_NICE/);
  });

  test("bind() throws a typed EPERM NumaError from mbind, blaming seccomp", () => {
    expect(r.bind).toMatchObject({ isNumaError: true, code: "EPERM", errno: 1, syscall: "mbind" });
    expect(r.bind!.message).toMatch(/seccomp filter denies mbind/);
    expect(r.bind!.message).toMatch(/--cap-add SYS_NICE/);
  });

  test("bindBatch(), getPolicy() and setThreadPolicy() report EPERM too; move_pages is not filtered", () => {
    expect(r.batch!.message).toMatch(/failed with EPERM/);
    expect(r.getPolicy).toMatchObject({ isNumaError: true, code: "EPERM", syscall: "get_mempolicy" });
    expect(r.setThreadPolicy).toMatchObject({ isNumaError: true, code: "EPERM", syscall: "set_mempolicy" });
    expect(r.locate).toEqual({ ok: true });
  });
});

describe("without CAP_SYS_NICE (setpriv drops it)", () => {
  const child = runChild(`${CAPTURE}
    const page = nb.topology().pageSize;
    const buf = nb.alloc(4 * page, { mode: "default" });
    new Uint8Array(buf).fill(1);
    report({
      available: nb.available().ok,
      capEff: (await import("node:fs")).readFileSync("/proc/self/status", "utf8").match(/CapEff:\\s*(\\w+)/)[1],
      move: capture(() => nb.bind(buf, { mode: "bind", nodes: [0] }, { move: true })),
      moveAll: capture(() => nb.bind(buf, { mode: "bind", nodes: [0] }, { moveAll: true })),
      movePagesAll: capture(() => nb.movePages(buf, 0, { moveAll: true })),
      movePages: capture(() => nb.movePages(buf, 0)),
    });`, { wrapper: ["setpriv", "--inh-caps=-sys_nice", "--bounding-set=-sys_nice", "--"] });
  const r = child.result as Record<string, Record<string, unknown>> & { capEff: string; available: boolean };

  test("the child runs without CAP_SYS_NICE (bit 23 of CapEff)", () => {
    expect(child.stderr).toBe("");
    expect(child.status).toBe(0);
    expect((BigInt(`0x${r.capEff}`) >> 23n) & 1n).toBe(0n);
    expect(r.available).toBe(true);
  });

  test("bind() with moveAll throws EPERM explaining CAP_SYS_NICE (kernel-mempolicy.md row 28); move alone works", () => {
    expect(r.move).toEqual({ ok: true });
    expect(r.moveAll).toMatchObject({ isNumaError: true, code: "EPERM", errno: 1, syscall: "validate", arg: "flags.moveAll" });
    expect(r.moveAll!.message).toMatch(/moveAll needs CAP_SYS_NICE/);
  });

  test("movePages() with moveAll is refused with EPERM before move_pages, naming opts.moveAll; without it, pages move", () => {
    expect(r.movePagesAll).toMatchObject({ isNumaError: true, code: "EPERM", syscall: "validate", arg: "opts.moveAll" });
    expect(r.movePagesAll!.message).toMatch(/^Cannot move pages: moveAll needs CAP_SYS_NICE/);
    expect(r.movePages).toEqual({ ok: true });
  });
});
