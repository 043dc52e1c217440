/* The baseline for numabind bench, bench/bind.mjs and bench/deno_bind.ts: the same mbind calls numabind makes, issued by a plain C
 * loop in the same process, timed inside C so that no FFI cost is counted. Two loops: one
 * through libc's syscall(), as libnuma and most C code issue mbind, and one through the
 * shim's own inline syscall (native/nb_sys.h), which compares the host's overhead on equal
 * terms. Plus no-op functions that measure what one ffi-rs call costs by argument count and
 * type. */
/* _GNU_SOURCE comes from the build flags (native/compile.mjs). */
#include <errno.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "nb_sys.h"

static int64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static long mbind1(uint64_t addr, uint64_t len, int mode, const uint64_t *mask, long words) {
  long r;
  do r = syscall(SYS_mbind, addr, len, mode, mask, (unsigned long)words * 64 + 1, 0);
  while (r == -1 && errno == EINTR);
  return r == -1 ? -errno : 0;
}

/* n binds of one page, alternating mode_a and mode_b (as bind() alternating two policies).
 * Returns elapsed ns, or -errno. */
int64_t bench_single(int64_t addr, int64_t page, int64_t n, int32_t mode_a, int32_t mode_b,
                     const uint64_t *mask, int64_t words) {
  int64_t t0 = now_ns(), i;
  for (i = 0; i < n; i++) {
    long r = mbind1((uint64_t)addr, (uint64_t)page, i & 1 ? mode_b : mode_a, mask, words);
    if (r) return r;
  }
  return now_ns() - t0;
}

/* One mbind per page over `pages` pages, alternating modes page by page (what bindBatch of
 * alternating single-page requests issues). Returns elapsed ns, or -errno. */
int64_t bench_alternating(int64_t addr, int64_t page, int64_t pages, int32_t mode_a,
                          int32_t mode_b, const uint64_t *mask, int64_t words) {
  int64_t t0 = now_ns(), i;
  for (i = 0; i < pages; i++) {
    long r = mbind1((uint64_t)(addr + i * page), (uint64_t)page, i & 1 ? mode_b : mode_a, mask, words);
    if (r) return r;
  }
  return now_ns() - t0;
}

/* bench_alternating through the shim's inline syscall instruction (NB_SYSCALL). */
int64_t bench_alternating_inline(int64_t addr, int64_t page, int64_t pages, int32_t mode_a,
                                 int32_t mode_b, const uint64_t *mask, int64_t words) {
  int64_t t0 = now_ns(), i;
  for (i = 0; i < pages; i++) {
    long r = NB_SYSCALL(SYS_mbind, addr + i * page, page, i & 1 ? mode_b : mode_a, mask,
                        NB_MAXNODE(words), 0);
    if (r) return r;
  }
  return now_ns() - t0;
}

/* bench_single through the shim's inline syscall instruction. */
int64_t bench_single_inline(int64_t addr, int64_t page, int64_t n, int32_t mode_a, int32_t mode_b,
                            const uint64_t *mask, int64_t words) {
  int64_t t0 = now_ns(), i;
  for (i = 0; i < n; i++) {
    long r = NB_SYSCALL(SYS_mbind, addr, page, i & 1 ? mode_b : mode_a, mask, NB_MAXNODE(words), 0);
    if (r) return r;
  }
  return now_ns() - t0;
}

/* One mbind through the shim's inline syscall, for a JavaScript loop to call once per op:
 * the cost of a single bind() with none of bind()'s own work (bench/deno_bind.ts, "floor").
 * Returns 0 or -errno. */
int32_t bench_mbind_one(double addr, double len, int32_t mode, const uint64_t *mask,
                        int32_t words) {
  return (int32_t)NB_SYSCALL(SYS_mbind, (uint64_t)addr, (uint64_t)len, mode, mask,
                             NB_MAXNODE(words), 0);
}

/* ffi-rs cost probes: they do nothing. */
int64_t bench_noop0(void) { return 0; }
int64_t bench_noop1(int64_t a) { return a; }
int64_t bench_noop6(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f) {
  return a + b + c + d + e + f;
}
int64_t bench_noop_buf(const uint8_t *p) { return p[0]; }
int64_t bench_errno0(void) { errno = 0; return 0; }
