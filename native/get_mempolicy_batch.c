/* get_mempolicy over a list of addresses: snapshots before a batch, and verification after. */
#include "nb_sys.h"
#include "numabind.h"

long numabind_get_mempolicy_batch(const uint64_t *addrs, size_t n, int32_t *modes,
                                  uint64_t *masks, size_t mask_words, uint32_t flags,
                                  int32_t *errnos) {
  long failed = 0;
  size_t i;
  for (i = 0; i < n; i++) {
#ifdef SYS_get_mempolicy
    long r = NB_SYSCALL(SYS_get_mempolicy, modes + i, masks + i * mask_words,
                        NB_MAXNODE(mask_words), addrs[i], flags);
#else
    long r = -ENOSYS;
    (void)addrs; (void)modes; (void)masks; (void)mask_words; (void)flags;
#endif
    errnos[i] = (int32_t)-r;
    failed += r != 0;
  }
  return failed;
}
