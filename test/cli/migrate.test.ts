// `numabind migrate` on a real process: the counts it reports against /proc/PID/numa_maps read
// by the test, its errors, and the progress path under a pseudo-terminal (script(1)). This host
// has one node, so 0 -> 0 is the migration that can run; the kernel moves nothing for it.
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { MigrateReport } from "../../host/cli/commands/migrate.ts";
import { movingNodes, pagesLeft } from "../../host/cli/migrate_counts.ts";
import { runCli } from "../../host/cli/program.ts";
import { Nodemask } from "../../host/mod.ts";
import { tempDir } from "../helpers/child.ts";
import { CLI, cli } from "./_cli.ts";

const configured = readdirSync("/sys/devices/system/node").flatMap((d) => /^node(\d+)$/.exec(d)?.[1] ?? []).map(Number).sort((a, b) => a - b);
const MiB = 1 << 20;

/** Resident pages per node of `pid`, summed from the N<node>= fields of its numa_maps. */
function numaPages(pid: number): Record<string, number> {
  const out: Record<string, number> = Object.fromEntries(configured.map((n) => [String(n), 0]));
  for (const m of readFileSync(`/proc/${pid}/numa_maps`, "utf8").matchAll(/ N(\d+)=(\d+)/g)) out[m[1]!] = (out[m[1]!] ?? 0) + Number(m[2]);
  return out;
}

let target: ChildProcess;
let pid: number;

beforeAll(async () => {
  // A Node process with 64 MiB written, then stopped (SIGSTOP), so that its numa_maps cannot
  // change between the test's reads and the command's.
  target = spawn(process.execPath, ["-e", `const b = Buffer.alloc(${64 * MiB}); b.fill(1); process.stdout.write("ready\\n"); setInterval(() => b[0]++, 1e6);`], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    target.stdout!.once("data", () => resolve());
    target.once("exit", (c) => reject(new Error(`the target process exited with ${c}`)));
  });
  pid = target.pid!;
  process.kill(pid, "SIGSTOP");
});

afterAll(() => {
  target?.kill("SIGKILL");
});

test("migrate PID 0 0 --json reports the pages per node numa_maps shows before and after, and what the kernel could not move", () => {
  const before = numaPages(pid);
  const r = cli(["migrate", String(pid), "0", "0", "--json"]);
  const after = numaPages(pid);
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  const report = JSON.parse(r.stdout) as MigrateReport;
  expect(report).toMatchObject({ pid, from: [0], to: [0], moved: 0, notMoved: 0 });
  expect(report.pagesBefore).toEqual(before);
  expect(report.pagesAfter).toEqual(after);
  expect(report.pagesBefore[0]).toBeGreaterThanOrEqual((64 * MiB) / 4096);
  expect(report.ms).toBeGreaterThanOrEqual(0);
  expect(Object.keys(report).sort()).toEqual(["from", "moved", "ms", "notMoved", "pagesAfter", "pagesBefore", "pid", "to"]);
});

test("migrate's text says what moved and lists pages per node", () => {
  const r = cli(["migrate", String(pid), "all", "0"]);
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(new RegExp(`^pid ${pid}: 0 pages moved from node 0 to node 0 in [\\d.]+ (µs|ms); the kernel could not move 0\\n`));
  const n0 = numaPages(pid)[0]!.toLocaleString("en-US");
  expect(r.stdout).toMatch(new RegExp(`^ {2}node 0 +${n0} -> +${n0} pages$`, "m"));
});

test("migrate with a node that does not exist is a usage error: exit 2, one line, no stack trace", () => {
  for (const [from, to, arg] of [["5", "0", "FROM"], ["0", "5", "TO"], ["0x1", "0", "FROM"], ["", "0", "FROM"]]) {
    const r = cli(["migrate", String(pid), from!, to!]);
    expect(r.status, `${from} ${to}`).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(new RegExp(`^numabind migrate: .*${arg}`));
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  }
  expect(cli(["migrate", String(pid), "5", "0"]).stderr).toMatch(/node 5 .*not configured/);
  expect(cli(["migrate", "0", "0", "0"]).status).toBe(2);
});

test("migrate of a process that has exited fails with exit 1 and one line", () => {
  const gone = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  const dead = Number(gone.stdout);
  expect(existsSync(`/proc/${dead}`)).toBe(false);
  const r = cli(["migrate", String(dead), "0", "0"]);
  expect(r.status).toBe(1);
  expect(r.stdout).toBe("");
  expect(r.stderr).toMatch(new RegExp(`^numabind migrate: .*pid ${dead}.*no such process`));
  expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
});

// A launcher that makes migrate_pages fail with EPERM (a seccomp filter, as a container
// profile would), then execs its arguments: the kernel's own refusal, reached as a user would.
const DENY_MIGRATE = String.raw`
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(int argc, char **argv) {
  struct sock_filter f[] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_migrate_pages, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = { sizeof f / sizeof f[0], f };
  if (argc < 2 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog)) return 2;
  execvp(argv[1], argv + 1);
  return 127;
}
`;

test("migrate refused with EPERM exits 1 with one line that gives the fix", () => {
  const bin = join(tempDir(), "deny_migrate");
  writeFileSync(`${bin}.c`, DENY_MIGRATE);
  execFileSync(process.env.CC ?? "gcc", ["-O2", "-o", bin, `${bin}.c`]);
  const r = spawnSync(bin, [process.execPath, CLI, "migrate", String(pid), "0", "0"], { encoding: "utf8", timeout: 60_000 });
  expect(r.status).toBe(1);
  expect(r.stdout).toBe("");
  expect(r.stderr).toMatch(/^numabind migrate: Cannot migrate the pages of pid \d+: migrate_pages failed with EPERM: /);
  expect(r.stderr).toMatch(new RegExp(`to fix: run it as the user that owns pid ${pid} or as root \\(sudo numabind migrate ${pid} 0 0\\)`));
  expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
});

test.skipIf(process.getuid?.() !== 0)("migrate of another user's process exits 1 with the fix (run as nobody against a root process)", () => {
  const r = spawnSync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, CLI, "migrate", String(pid), "0", "0"], { encoding: "utf8", timeout: 60_000 });
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(new RegExp(`^numabind migrate: Cannot read /proc/${pid}/\\w+: this process may not read it`));
  expect(r.stderr).toMatch(/to fix: run it as the user that owns pid/);
  expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
});

test("on a terminal migrate draws a progress bar on stderr and migrates in a child process; without one it prints only the result", () => {
  const dir = tempDir();
  const out = join(dir, "migrate_tty.json"), trace = join(dir, "migrate_tty.strace");
  // script(1) gives the command a pseudo-terminal; stdout goes to a file, so what script prints
  // is the command's stderr. strace -f shows which process made the migrate_pages call.
  const run = (tty: boolean): { stderr: string; report: MigrateReport; trace: string } => {
    const cmd = `strace -f -qq -s 512 -o ${trace} -e trace=execve,migrate_pages ${process.execPath} ${CLI} migrate ${pid} 0 0 --json`;
    let stderr: string;
    if (tty) {
      stderr = execFileSync("script", ["-qec", `${cmd} > ${out}`, "/dev/null"], { encoding: "utf8", timeout: 60_000 });
    } else {
      const r = spawnSync("sh", ["-c", `${cmd} > ${out}`], { encoding: "utf8", timeout: 60_000 });
      expect(r.status).toBe(0);
      stderr = r.stderr;
    }
    return { stderr, report: JSON.parse(readFileSync(out, "utf8")) as MigrateReport, trace: readFileSync(trace, "utf8") };
  };
  const migrator = (t: string): { cli: string; call: string; child?: string } => {
    const execs = [...t.matchAll(/^(\d+) +execve\("[^"]*", \[(.*)\]/gm)].map((m) => ({ pid: m[1]!, argv: m[2]! }));
    const call = /^(\d+) +migrate_pages\(/m.exec(t)?.[1] ?? "none";
    return { cli: execs.find((e) => e.argv.includes("main.js"))!.pid, call, child: execs.find((e) => e.argv.includes("migrate_child.js"))?.pid };
  };

  const tty = run(true);
  expect(tty.stderr).toMatch(new RegExp(`migrating pages of pid ${pid} \\[[=-]+\\] 100% \\| 0/0`));
  expect(tty.stderr).toContain("\x1b[");
  expect(tty.report).toMatchObject({ pid, notMoved: 0 });
  expect(tty.report.pagesAfter).toEqual(numaPages(pid));
  const t = migrator(tty.trace);
  expect(t.child).toBeDefined();
  expect(t.call).toBe(t.child);

  const plain = run(false);
  expect(plain.stderr).toBe("");
  expect(readFileSync(out, "utf8")).not.toContain("\x1b");
  expect(plain.report).toMatchObject({ pid, notMoved: 0 });
  const p = migrator(plain.trace);
  expect(p.child).toBeUndefined();
  expect(p.call).toBe(p.cli);
});

test("runCli migrate draws its bar only when io.errIsTTY is true (in process, over the plain call)", async () => {
  const draw = async (errIsTTY: boolean) => {
    const out: string[] = [], err: string[] = [];
    const code = await runCli(["migrate", String(pid), "0", "0", "--json"], { out: (s) => out.push(s), err: (s) => err.push(s), errIsTTY });
    return { code, out: out.join(""), err: err.join("") };
  };
  const tty = await draw(true);
  expect(tty.code).toBe(0);
  expect(tty.err).toMatch(new RegExp(`migrating pages of pid ${pid} \\[[=-]+\\] 100%`));
  expect(JSON.parse(tty.out)).toMatchObject({ pid, notMoved: 0 });
  const plain = await draw(false);
  expect(plain.code).toBe(0);
  expect(plain.err).toBe("");
  expect(JSON.parse(plain.out).pagesAfter).toEqual(numaPages(pid));
});

test("movingNodes() follows do_migrate_pages: the k-th FROM node goes to the k-th TO node, and nodes that stay are left out", () => {
  expect(movingNodes(Nodemask.of(0, 1), Nodemask.of(1, 2))).toEqual([0, 1]); // 0->1, 1->2
  expect(movingNodes(Nodemask.of(0, 1), Nodemask.of(1))).toEqual([0]); // sizes differ and 1 is in TO: it stays
  expect(movingNodes(Nodemask.of(0, 1, 2), Nodemask.of(3))).toEqual([0, 1, 2]);
  expect(movingNodes(Nodemask.of(2), Nodemask.of(2))).toEqual([]);
  // The bar and `moved` count pages gone from the moving nodes, never pages that arrived.
  expect(pagesLeft({ 0: 10, 1: 10 }, { 0: 0, 1: 20 }, movingNodes(Nodemask.of(0), Nodemask.of(1)))).toBe(10);
});
