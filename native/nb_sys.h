/* Private helpers shared by the entry points: the maxnode rule and the EINTR retry. */
#ifndef NB_SYS_H
#define NB_SYS_H
#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Builds as on a libc whose headers lack these syscalls (test/kernel/native.test.ts). */
#ifdef NB_PRETEND_NO_NUMA_SYSCALLS
#undef SYS_mbind
#undef SYS_get_mempolicy
#undef SYS_set_mempolicy
#undef SYS_move_pages
#undef SYS_migrate_pages
#endif

/* The kernel's get_nodes() decrements maxnode before reading, so a table of `words` u64
 * needs words * 64 + 1 to include its top bit (numactl master and lrita/numa lose it). */
#define NB_MAXNODE(words) ((unsigned long)(words) * 64 + 1)

/* One syscall: its result, or -errno. On x86_64 and aarch64 the instruction is inline, as
 * musl does it: glibc's syscall() is a function, and on AMD Zen hosts whose kernel applies the
 * SRSO "safe RET" mitigation the `ret` that follows each syscall costs ~0.4 us, 16% of an
 * mbind that splits a mapping (bench/bind.mjs measures both loops). */
static inline long nb_syscall6(long n, long a, long b, long c, long d, long e, long f) {
#if defined(__x86_64__)
  long r;
  register long r10 __asm__("r10") = d;
  register long r8 __asm__("r8") = e;
  register long r9 __asm__("r9") = f;
  __asm__ volatile("syscall"
                   : "=a"(r)
                   : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                   : "rcx", "r11", "memory");
  return r;
#elif defined(__aarch64__)
  register long x8 __asm__("x8") = n;
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  register long x2 __asm__("x2") = c;
  register long x3 __asm__("x3") = d;
  register long x4 __asm__("x4") = e;
  register long x5 __asm__("x5") = f;
  __asm__ volatile("svc #0"
                   : "+r"(x0)
                   : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
                   : "memory");
  return x0;
#else
  long r = syscall(n, a, b, c, d, e, f);
  return r == -1 ? -(long)errno : r;
#endif
}

/* The raw result, retried while a signal interrupts the call. */
static inline long nb_syscall_retry(long n, long a, long b, long c, long d, long e, long f) {
  long r;
  do r = nb_syscall6(n, a, b, c, d, e, f); while (r == -EINTR);
  return r;
}

/* One syscall with up to six arguments, retried while a signal interrupts it; 0/positive
 * result or -errno (the kernel's own convention: results in -4095..-1 are errors). */
#define NB_SYSCALL_(n, a, b, c, d, e, f, ...) \
  nb_syscall_retry((long)(n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))
#define NB_SYSCALL(...) NB_SYSCALL_(__VA_ARGS__, 0, 0, 0, 0, 0, 0)
#endif
