import { execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "./child.ts";

// A tiny launcher: installs a seccomp filter that makes the named syscalls fail with EPERM
// (what Docker's default profile does to mbind, get_mempolicy and set_mempolicy without
// CAP_SYS_NICE), then execs its arguments. Built with gcc into the test's temp directory.
const SOURCE = String.raw`
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define ARCH AUDIT_ARCH_AARCH64
#else
#error "add this architecture's AUDIT_ARCH"
#endif
#define DENY(nr) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), \
  BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA))

int main(int argc, char **argv) {
  struct sock_filter f[] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH, 1, 0),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
    DENY(__NR_mbind), DENY(__NR_get_mempolicy), DENY(__NR_set_mempolicy),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = { sizeof f / sizeof f[0], f };
  if (argc < 2) { fprintf(stderr, "usage: deny_mempolicy cmd args...\n"); return 2; }
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog)) {
    perror("seccomp");
    return 2;
  }
  execvp(argv[1], argv + 1);
  perror("execvp");
  return 127;
}
`;

/** Path of the deny_mempolicy launcher, built once per test process. */
export function denyMempolicyLauncher(): string {
  const bin = join(tempDir(), "deny_mempolicy");
  if (!existsSync(bin)) {
    const src = `${bin}.c`;
    writeFileSync(src, SOURCE);
    execFileSync(process.env.CC ?? "gcc", ["-O2", "-Wall", "-o", bin, src], { stdio: "inherit" });
  }
  return bin;
}
