import { execFileSync } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { root, tempDir } from "../helpers/child.ts";

// The C shim on its own, called from C: every entry point against the real kernel, and the
// same sources built as if <sys/syscall.h> lacked the NUMA syscalls, where each must give
// -ENOSYS (per op for batches) instead of failing to build.

const MAIN = String.raw`
#include <stdio.h>
#include <sys/mman.h>
#include "numabind.h"

int main(void) {
  long page = 4096;
  char *m = mmap(0, 8 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  m[0] = 1;
  uint64_t mask[2] = { 1, 0 }, out[2] = { 0, 0 }, addrs[2] = { (uint64_t)m, (uint64_t)m + page }, done = 7;
  struct nb_op ops[2] = { { (uint64_t)m, (uint64_t)page, 2, 0, 0, 0 }, { (uint64_t)m + page, (uint64_t)page, 3, 0, 0, 1 } };
  int32_t errnos[2] = { -1, -1 }, modes[2] = { -1, -1 }, status[2] = { 99, 99 }, mode = -1;
  long r = numabind_mbind_batch(ops, 2, mask, 1, errnos, 0);
  printf("mbind_batch %ld %d %d\n", r, errnos[0], errnos[1]);
  r = numabind_get_mempolicy_batch(addrs, 2, modes, out, 1, 2, errnos);
  printf("get_mempolicy_batch %ld %d %d %d %d\n", r, errnos[0], errnos[1], modes[0], modes[1]);
  r = numabind_move_pages(0, 2, addrs, NULL, status, 0, 1, &done);
  printf("move_pages %ld %d %d %llu\n", r, status[0], status[1], (unsigned long long)done);
  printf("migrate_pages %ld\n", numabind_migrate_pages(0, 1, mask, mask));
  printf("set_mempolicy %ld\n", numabind_set_mempolicy(0, NULL, 0));
  r = numabind_get_mempolicy(&mode, out, 1, 0, 0);
  printf("get_mempolicy %ld %d\n", r, mode);
  struct nb_call *b = numabind_call_block();
  b->addr = (uint64_t)m + 2 * page; b->len = (uint64_t)page; b->mode = 2; b->flags = 0; b->mask_words = 1; b->mask[0] = 1;
  printf("mbind_call %ld\n", numabind_mbind_call());
  b->addr = (uint64_t)m + 2 * page; b->flags = 2; b->mode = -1;
  r = numabind_get_mempolicy_call();
  printf("get_mempolicy_call %ld %d\n", r, b->mode);
  b->mode = 0; b->mask_words = 0;
  printf("set_mempolicy_call %ld\n", numabind_set_mempolicy_call());
  return 0;
}
`;

function build(name: string, defines: string[]): string {
  const dir = tempDir();
  const main = join(dir, "native_main.c");
  writeFileSync(main, MAIN);
  const sources = readdirSync(join(root, "native")).filter((f) => f.endsWith(".c")).map((f) => join(root, "native", f));
  const bin = join(dir, name);
  execFileSync(process.env.CC ?? "gcc", ["-O2", "-Wall", "-Wextra", "-Werror", "-std=c11", "-D_GNU_SOURCE", ...defines,
    `-I${join(root, "native")}`, "-o", bin, main, ...sources], { stdio: "inherit" });
  return execFileSync(bin, { encoding: "utf8" });
}

describe("the C shim called from C", () => {
  test("every entry point works against the kernel", () => {
    expect(build("native_ok", []).trim().split("\n")).toEqual([
      "mbind_batch 2 0 0",
      "get_mempolicy_batch 0 0 0 2 3",
      "move_pages 0 0 -2 2", // page 0 touched (node 0), page 1 not faulted in (-ENOENT)
      "migrate_pages 0",
      "set_mempolicy 0",
      "get_mempolicy 0 0",
      "mbind_call 0",
      "get_mempolicy_call 0 2",
      "set_mempolicy_call 0",
    ]);
  });

  test.runIf(process.arch === "x64" || process.arch === "arm64")(
    "on x86_64 and aarch64 the shim and the addon issue syscalls inline, never through libc's syscall()", () => {
      // A call to syscall() returns through a `ret` after each syscall, which costs ~0.4 us
      // on AMD hosts with the SRSO "safe RET" mitigation (nb_sys.h).
      for (const lib of ["libnumabind.so", "numabind.node"]) {
        const file = join(root, "build", lib);
        if (lib === "numabind.node" && !readdirSync(join(root, "build")).includes(lib)) continue;
        const undefinedSymbols = execFileSync("nm", ["-D", "--undefined-only", file], { encoding: "utf8" });
        expect(undefinedSymbols.split("\n").map((l) => l.trim().split(/\s+/).at(-1)?.replace(/@.*/, ""))).not.toContain("syscall");
      }
    });

  test("built without the syscall numbers, every entry point gives -ENOSYS (38)", () => {
    expect(build("native_nosys", ["-DNB_PRETEND_NO_NUMA_SYSCALLS"]).trim().split("\n")).toEqual([
      "mbind_batch 1 38 -1", // stops at the first failure
      "get_mempolicy_batch 2 38 38 -1 -1",
      "move_pages -38 99 99 0",
      "migrate_pages -38",
      "set_mempolicy -38",
      "get_mempolicy -38 -1",
      "mbind_call -38",
      "get_mempolicy_call -38 -1",
      "set_mempolicy_call -38",
    ]);
  });
});
