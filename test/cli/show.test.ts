import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { ensureApt } from "../helpers/apt.ts";
import { CLI, cli } from "./_cli.ts";

// Debian's numactl is the reference: `numactl OPTS numactl --show` against
// `numabind run OPTS numabind show`, byte for byte.
const haveNumactl = ensureApt(["numactl"], () => existsSync("/usr/bin/numactl"));

const cpusAllowed = (): number[] => {
  const list = /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync("/proc/self/status", "utf8"))![1]!;
  return list.split(",").flatMap((r) => {
    const [a, b = a] = r.split("-").map(Number) as [number, number?];
    return Array.from({ length: b! - a + 1 }, (_, i) => a + i);
  });
};

test("Debian's numactl is here to compare with", () => expect(haveNumactl).toBe(true));

test.each([[[]], [["--membind=0"]], [["--interleave=0"]], [["--preferred=0"]], [["--preferred-many=0"]], [["--membind=0", "--physcpubind=+0"]], [["--cpunodebind=0"]]])(
  "numabind show under run %j prints numactl --show's lines under numactl with the same options",
  (opts) => {
    const theirs = execFileSync("/usr/bin/numactl", [...opts, "/usr/bin/numactl", "--show"], { encoding: "utf8" });
    const ours = cli(["run", ...opts, "--", process.execPath, CLI, "show"]);
    expect(ours.status).toBe(0);
    expect(ours.stdout).toBe(theirs);
  },
);

test("numabind show --localalloc: 'preferred node: current' on a line of its own (numactl 2.0.16 leaves that line unfinished)", () => {
  const ours = cli(["run", "-l", "--", process.execPath, CLI, "show"]).stdout.split("\n");
  expect(ours.slice(0, 3)).toEqual(["policy: local", "preferred node: current", `physcpubind: ${cpusAllowed().map((c) => `${c} `).join("")}`]);
});

test("numabind show --json agrees with /proc/self/status read by the test", () => {
  const r = cli(["run", "-m0", "--", process.execPath, CLI, "show", "--json"]);
  const j = JSON.parse(r.stdout) as { policy: string; physcpubind: number[]; membind: number[]; nodebind: number[]; preferredNode: number };
  expect(j).toMatchObject({ policy: "bind", membind: [0], preferredNode: 0, nodebind: [0] });
  expect(j.physcpubind).toEqual(cpusAllowed());
});

test("numabind show --json under --interleave reports the nodes and the next node", () => {
  const r = cli(["run", "-i0", "--", process.execPath, CLI, "show", "--json"]);
  expect(JSON.parse(r.stdout)).toMatchObject({ policy: "interleave", interleaveMask: [0], nextNode: 0, preferred: [0] });
});
