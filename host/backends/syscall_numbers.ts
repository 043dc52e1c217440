/**
 * Syscall numbers for the per-op fallback, which has no C headers to read them from.
 * x86_64: arch/x86/entry/syscalls/syscall_64.tbl; arm64 uses asm-generic/unistd.h.
 * The C shim takes them from <sys/syscall.h> instead.
 */
export interface SyscallNumbers {
  mbind: number; set_mempolicy: number; get_mempolicy: number; migrate_pages: number; move_pages: number;
}

const TABLE: Readonly<Record<string, SyscallNumbers>> = {
  x64: { mbind: 237, set_mempolicy: 238, get_mempolicy: 239, migrate_pages: 256, move_pages: 279 },
  arm64: { mbind: 235, set_mempolicy: 237, get_mempolicy: 236, migrate_pages: 238, move_pages: 239 },
  riscv64: { mbind: 235, set_mempolicy: 237, get_mempolicy: 236, migrate_pages: 238, move_pages: 239 },
  loong64: { mbind: 235, set_mempolicy: 237, get_mempolicy: 236, migrate_pages: 238, move_pages: 239 },
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
