/* The reference kernels of `numabind bench` (host/bench/), built into
 * build/libnumabind_bench.so apart from the shim. Each function times itself with
 * clock_gettime(CLOCK_MONOTONIC) inside C and returns elapsed ns (or -errno), so the FFI call
 * around it is never counted.
 *
 * - STREAM-style bandwidth kernels over double arrays (McCalpin, "Memory Bandwidth and Machine
 *   Balance", 1995; stream.c): read (a sum), write (a store of a scalar), triad
 *   (a[i] = b[i] + s * c[i]).
 * - A dependent-load chase in the manner of Intel MLC and lmbench's lat_mem_rd: a random
 *   cyclic permutation over cache-line-sized slots, so each load's address comes from the
 *   previous load and no prefetcher can guess it.
 * - The C loop of the binding suite: the same mbind calls bind() and bindBatch() issue, through
 *   libc's syscall() as libnuma and most C code issue them (bench/bind_loop.c's baseline). */
#include <errno.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* A slot of the chase: one cache line, so two dependent loads never share a line. */
#define SLOT_BYTES 64

/* Results land here so that the compiler cannot drop the loops that compute them. */
static volatile double sink;
static volatile uintptr_t sink_ptr;

static int64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* Sums n doubles. Eight accumulators: one would make the loop wait on the latency of each
 * floating-point add (~4 cycles), below memory bandwidth on most machines. */
int64_t nbb_read(int64_t a, int64_t n) {
  const double *x = (const double *)(uintptr_t)a;
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
  int64_t t0 = now_ns(), i = 0;
  for (; i + 8 <= n; i += 8) {
    s0 += x[i]; s1 += x[i + 1]; s2 += x[i + 2]; s3 += x[i + 3];
    s4 += x[i + 4]; s5 += x[i + 5]; s6 += x[i + 6]; s7 += x[i + 7];
  }
  for (; i < n; i++) s0 += x[i];
  int64_t t1 = now_ns();
  sink = s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7;
  return t1 - t0;
}

/* Stores s into n doubles (a runtime scalar, so the compiler cannot turn it into memset). */
int64_t nbb_write(int64_t a, int64_t n, double s) {
  double *x = (double *)(uintptr_t)a;
  int64_t t0 = now_ns(), i;
  for (i = 0; i < n; i++) x[i] = s;
  return now_ns() - t0;
}

/* STREAM's triad. */
int64_t nbb_triad(int64_t a, int64_t b, int64_t c, int64_t n, double s) {
  double *restrict x = (double *)(uintptr_t)a;
  const double *restrict y = (const double *)(uintptr_t)b, *restrict z = (const double *)(uintptr_t)c;
  int64_t t0 = now_ns(), i;
  for (i = 0; i < n; i++) x[i] = y[i] + s * z[i];
  return now_ns() - t0;
}

/* splitmix64 (Steele, Lea, Flood, "Fast splittable pseudorandom number generators", 2014):
 * one multiply-xorshift step per number, good enough to defeat a prefetcher. */
static uint64_t splitmix(uint64_t *s) {
  uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/* Links `slots` slots of SLOT_BYTES at base into one random cycle: Sattolo's algorithm
 * (Sattolo 1986; Knuth TAOCP vol. 2, 3.4.2) shuffles the slot indices so that i -> next[i] is a
 * single cycle through every slot, then a linear pass turns indices into addresses. Every
 * slot is written, so this is also the chase's first touch. Returns elapsed ns, -EINVAL for
 * fewer than 2 slots. */
int64_t nbb_chase_build(int64_t base, int64_t slots, int64_t seed) {
  if (slots < 2) return -EINVAL;
  char *p = (char *)(uintptr_t)base;
  uint64_t s = (uint64_t)seed;
  int64_t t0 = now_ns(), i;
  for (i = 0; i < slots; i++) *(uint64_t *)(p + i * SLOT_BYTES) = (uint64_t)i;
  for (i = slots - 1; i > 0; i--) {
    /* j < i, never i itself: that is what makes one cycle rather than any permutation. The
     * modulo bias is below 2^-30 for any array that fits in memory. */
    int64_t j = (int64_t)(splitmix(&s) % (uint64_t)i);
    uint64_t *x = (uint64_t *)(p + i * SLOT_BYTES), *y = (uint64_t *)(p + j * SLOT_BYTES), t = *x;
    *x = *y; *y = t;
  }
  for (i = 0; i < slots; i++) {
    uint64_t *x = (uint64_t *)(p + i * SLOT_BYTES);
    *x = (uint64_t)(uintptr_t)(p + *x * SLOT_BYTES);
  }
  return now_ns() - t0;
}

/* Follows the cycle for `loads` dependent loads from base. Returns elapsed ns. */
int64_t nbb_chase_walk(int64_t base, int64_t loads) {
  void *const *q = (void *const *)(uintptr_t)base;
  int64_t t0 = now_ns(), i;
  /* Unrolled by 8 so that loop control is a small share of each iteration. */
  for (i = 0; i + 8 <= loads; i += 8) {
    q = (void *const *)*q; q = (void *const *)*q; q = (void *const *)*q; q = (void *const *)*q;
    q = (void *const *)*q; q = (void *const *)*q; q = (void *const *)*q; q = (void *const *)*q;
  }
  for (; i < loads; i++) q = (void *const *)*q;
  int64_t t1 = now_ns();
  sink_ptr = (uintptr_t)q;
  return t1 - t0;
}

