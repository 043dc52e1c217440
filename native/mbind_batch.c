/* mbind over a packed op list: the engine's plan goes to the kernel in one FFI crossing. */
#include "nb_sys.h"
#include "numabind.h"

static long one_mbind(const struct nb_op *op, const uint64_t *masks, size_t mask_words) {
#ifdef SYS_mbind
  const uint64_t *mask = op->mask == NB_NO_MASK ? NULL : masks + (size_t)op->mask * mask_words;
  return NB_SYSCALL(SYS_mbind, op->addr, op->len, op->mode, mask,
                    mask ? NB_MAXNODE(mask_words) : 0, op->flags);
#else
  (void)op; (void)masks; (void)mask_words;
  return -ENOSYS;
#endif
}

/* Applies ops in order; errnos[i] is 0 or the op's errno. Stops at the first failure unless
 * NB_CONTINUE_ON_ERROR. Returns the number of ops attempted (syscalls issued). */
long numabind_mbind_batch(const struct nb_op *ops, size_t n, const uint64_t *masks,
                          size_t mask_words, int32_t *errnos, uint32_t options) {
  size_t i;
  for (i = 0; i < n; i++) {
    long r = one_mbind(&ops[i], masks, mask_words);
    errnos[i] = (int32_t)-r;
    if (r != 0 && !(options & NB_CONTINUE_ON_ERROR)) return (long)i + 1;
  }
  return (long)n;
}
