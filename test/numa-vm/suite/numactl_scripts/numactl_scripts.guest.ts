// numactl's own regression scripts, unchanged, with `numactl` replaced by numabind through a
// wrapper of a few lines (test/numa-vm/numactl_wrapper.sh). run.mjs fetches the scripts from
// Debian's numactl source and names the folders in the environment.
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";

function script(name: string): { status: number | null; out: string } {
  const srcdir = process.env.NUMA_VM_NUMACTL_SRC, builddir = process.env.NUMA_VM_NUMACTL_BUILD;
  if (!srcdir || !builddir) throw new Error("Cannot run numactl's scripts: run.mjs sets NUMA_VM_NUMACTL_SRC and NUMA_VM_NUMACTL_BUILD, current value is unset");
  // regress writes its numastat snapshots (A, B) into the working directory.
  const r = spawnSync("bash", [join(srcdir, "test", name)], {
    cwd: mkdtempSync(join(tmpdir(), `numactl-${name}-`)), encoding: "utf8", env: { ...process.env, builddir }, timeout: 540_000,
  });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

test("numactl's test/checkaffinity passes with numabind as numactl: --physcpubind, --cpunodebind and --show agree", { timeout: 600_000 }, () => {
  const r = script("checkaffinity");
  expect(r.out).not.toMatch(/doesn't work|doesn't agree/);
  expect(r.status, r.out).toBe(0);
});

test("numactl's test/regress passes with numabind as numactl: policies seen through numastat's counters", { timeout: 600_000 }, () => {
  const r = script("regress");
  // Every policy it ran, so that a script that skipped (exit 77) or stopped early cannot pass.
  for (const o of ["--interleave=1", "--interleave=0,1", "--interleave=all", "--membind=all", "--membind=0,1", "--membind=3", "--preferred=3", "--localalloc"]) {
    expect(r.out).toContain(`=>testing numactl ${o} memhog`);
  }
  expect(r.out).not.toMatch(/FAILED/);
  expect(r.out).toMatch(/^========SUCCESS$/m);
  expect(r.status, r.out.slice(-2000)).toBe(0);
});
