/**
 * Syscall numbers for the per-op fallback, which has no C headers to read them from.
 * x86_64: arch/x86/entry/syscalls/syscall_64.tbl; arm64 uses asm-generic/unistd.h.
 * The C shim takes them from <sys/syscall.h> instead.
 */
export interface SyscallNumbers {
  mbind: number; set_mempolicy: number; get_mempolicy: number; migrate_pages: number; move_pages: number;
  sched_setaffinity: number; sched_getaffinity: number; getcpu: number; set_mempolicy_home_node: number;
}

/** asm-generic/unistd.h (arm64, riscv64, loong64): the same numbers on each. */
const GENERIC: SyscallNumbers = {
  mbind: 235, set_mempolicy: 237, get_mempolicy: 236, migrate_pages: 238, move_pages: 239,
  sched_setaffinity: 122, sched_getaffinity: 123, getcpu: 168, set_mempolicy_home_node: 450,
};

const TABLE: Readonly<Record<string, SyscallNumbers>> = {
  x64: {
    mbind: 237, set_mempolicy: 238, get_mempolicy: 239, migrate_pages: 256, move_pages: 279,
    sched_setaffinity: 203, sched_getaffinity: 204, getcpu: 309, set_mempolicy_home_node: 450,
  },
  arm64: GENERIC, riscv64: GENERIC, loong64: GENERIC,
};

/**
 * The numbers for a Node `process.arch`, or undefined on an architecture numabind lacks.
 * @example Basic usage
 * ```ts
 * expect(syscallNumbers("x64")?.mbind).toBe(237);
 * expect(syscallNumbers("s390x")).toBeUndefined();
 * ```
 */
export function syscallNumbers(arch: string): SyscallNumbers | undefined {
  return TABLE[arch];
}
