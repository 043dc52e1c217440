/* The calling thread's policy (set_mempolicy) and single get_mempolicy calls. */
#include "nb_sys.h"
#include "numabind.h"

long numabind_set_mempolicy(int32_t mode, const uint64_t *mask, size_t mask_words) {
  if (mask_words > NB_MAX_MASK_WORDS) return -EINVAL;
#ifdef SYS_set_mempolicy
  return NB_SYSCALL(SYS_set_mempolicy, mode, mask_words ? mask : NULL,
                    mask_words ? NB_MAXNODE(mask_words) : 0);
#else
  (void)mode; (void)mask; (void)mask_words;
  return -ENOSYS;
#endif
}

long numabind_get_mempolicy(int32_t *mode, uint64_t *mask, size_t mask_words, uint64_t addr,
                            uint32_t flags) {
  if (mask_words > NB_MAX_MASK_WORDS) return -EINVAL;
#ifdef SYS_get_mempolicy
  return NB_SYSCALL(SYS_get_mempolicy, mode, mask_words ? mask : NULL,
                    mask_words ? NB_MAXNODE(mask_words) : 0, addr, flags);
#else
  (void)mode; (void)mask; (void)mask_words; (void)addr; (void)flags;
  return -ENOSYS;
#endif
}
