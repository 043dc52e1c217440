/* numabind native shim: entry points called through FFI.
 * Every function is a plain loop (or one call), allocates nothing, retries on EINTR, and
 * reports 0 or a negative errno per op; a syscall the headers lack gives -ENOSYS.
 * maxnode is always mask_words * 64 + 1: the kernel reads maxnode - 1 bits. */
#ifndef NUMABIND_H
#define NUMABIND_H
#include <stddef.h>
#include <stdint.h>

/* Must match assembly/abi.ts (OP_*). */
struct nb_op {
  uint64_t addr;
  uint64_t len;
  int32_t mode;       /* mode | MPOL_F_* mode flags */
  uint32_t flags;     /* MPOL_MF_* */
  uint32_t mask;      /* index into the mask table, NB_NO_MASK for NULL */
  uint32_t request;   /* not read here: the host maps failures back to requests with it */
};
#define NB_NO_MASK 0xffffffffu

/* Widest mask numabind builds: 32768 nodes (the kernel refuses maxnode - 1 > PAGE_SIZE * 8).
 * numabind_migrate_pages, numabind_set_mempolicy and numabind_get_mempolicy answer a wider
 * mask_words with -EINVAL without a syscall (the call block's entry points do the same above
 * NB_CALL_MASK_WORDS), which lets the host resolve them once at load with calls that reach no
 * kernel. The batch entry points pass mask_words on unchecked; the host resolves them with
 * empty batches. */
#define NB_MAX_MASK_WORDS 512

/* Options for numabind_mbind_batch. */
#define NB_CONTINUE_ON_ERROR 1u

/* mbind over packed ops and a mask table of mask_words u64 per mask; errnos[i] = 0 or errno.
 * Returns the number of ops attempted (= mbind syscalls issued). */
long numabind_mbind_batch(const struct nb_op *ops, size_t n, const uint64_t *masks,
                          size_t mask_words, int32_t *errnos, uint32_t options);

/* get_mempolicy(modes + i, masks + i * mask_words, ..., addrs[i], flags) for each address;
 * flags is MPOL_F_ADDR, optionally | MPOL_F_NODE. Returns the number of failures. */
long numabind_get_mempolicy_batch(const uint64_t *addrs, size_t n, int32_t *modes,
                                  uint64_t *masks, size_t mask_words, uint32_t flags,
                                  int32_t *errnos);

/* move_pages(pid, ...) over `count` pages in calls of at most `chunk` pages; nodes == NULL
 * queries. Returns the pages not migrated (>= 0) or -errno; *done = pages handled by calls
 * that succeeded, so the failing call starts at pages[*done]. */
long numabind_move_pages(int32_t pid, size_t count, const uint64_t *pages, const int32_t *nodes,
                         int32_t *status, int32_t flags, size_t chunk, uint64_t *done);

/* migrate_pages(pid, mask_words * 64 + 1, from, to). Returns pages not moved or -errno. */
long numabind_migrate_pages(int32_t pid, size_t mask_words, const uint64_t *from,
                            const uint64_t *to);

/* Thread policy: set_mempolicy / get_mempolicy with explicit arguments. mask_words == 0
 * passes a NULL mask. Return 0 or -errno. */
long numabind_set_mempolicy(int32_t mode, const uint64_t *mask, size_t mask_words);

/* The calling thread's CPU affinity (sched_getaffinity returns the bytes written), the CPU
 * and node it runs on (two u32: cpu, node), and set_mempolicy_home_node(start, len, node, 0).
 * Each returns 0 (or a count) or -errno. */
long numabind_sched_getaffinity(size_t len, uint8_t *mask);
long numabind_sched_setaffinity(size_t len, const uint8_t *mask);
long numabind_getcpu(uint32_t *cpu_node);
long numabind_set_home_node(uint64_t start, uint64_t len, uint64_t node);
long numabind_get_mempolicy(int32_t *mode, uint64_t *mask, size_t mask_words, uint64_t addr,
                            uint32_t flags);

/* The lean path. FFI libraries pay per argument (ffi-rs: ~0.5 us per number, ~2 us per
 * buffer), so single calls take no arguments: the host writes them into this thread's call
 * block, which it aliases once, and calls a zero-argument entry point. */
#define NB_CALL_MASK_WORDS 16 /* 1024 nodes inline; wider masks use the entry points above */
struct nb_call {
  uint64_t addr;
  uint64_t len;
  int32_t mode;        /* in for mbind/set_mempolicy; out for get_mempolicy */
  uint32_t flags;      /* mbind MPOL_MF_* or get_mempolicy MPOL_F_* */
  uint32_t mask_words; /* 0: NULL mask */
  uint32_t reserved;
  uint64_t mask[NB_CALL_MASK_WORDS];
};
struct nb_call *numabind_call_block(void);
long numabind_mbind_call(void);
long numabind_get_mempolicy_call(void);
long numabind_set_mempolicy_call(void);
#endif
